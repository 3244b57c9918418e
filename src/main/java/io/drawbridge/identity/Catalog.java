package io.drawbridge.identity;

import io.drawbridge.config.CatalogConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The software catalog, as far as the gateway reads it: who a user is and which groups they are in, the group
 * tree, and the entities that declare routes. Entity refs are full and lower case ({@code group:default/sre}).
 *
 * <p>Every method may block on I/O: call them off the event loop. A catalog that cannot answer (down, slow, an
 * error status, a malformed or oversized answer) throws {@link CatalogUnavailable}; an empty answer always means
 * the catalog said so.
 */
public interface Catalog {

    /** The User whose {@code spec.profile.email} is this address, case-insensitively; empty when none or several. */
    Optional<CatalogUser> userByEmail(String email);

    /** The User of this {@code metadata.name} in the default namespace, case-insensitively; empty when none. */
    Optional<CatalogUser> userByName(String name);

    /**
     * The parents of each of these groups ({@code spec.parent} and the {@code childOf} relation), by group ref.
     * A group without parents, or not in the catalog, maps to an empty set.
     */
    Map<String, Set<String>> parentsOf(Set<String> groupRefs);

    /**
     * The Components and Resources that carry one of the {@link RoutedEntity#ANNOTATIONS}, with their owner and
     * the owner's members.
     */
    List<RoutedEntity> routedEntities();

    /** The catalog the configuration names: a Backstage backend or catalog files. */
    static Catalog of(CatalogConfig config) {
        if (config.backstage() != null) {
            CatalogConfig.Backstage backstage = config.backstage();
            return new BackstageCatalog(URI.create(backstage.url()), backstage.token(), backstage.timeout());
        }
        return FileCatalog.at(config.files());
    }
}
