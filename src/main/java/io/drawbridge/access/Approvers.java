package io.drawbridge.access;

import io.drawbridge.identity.Catalog;
import io.drawbridge.identity.CatalogRoleSource;
import io.drawbridge.identity.Identity;
import io.drawbridge.identity.RoutedEntity;
import io.drawbridge.policy.Requestable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may approve a request for a route, decided at the moment of approval from a fresh catalog look-up (never a
 * cached answer: someone who left the owning group a minute ago is no approver any more). A policy's approvers
 * are {@code owners} (the owner of the route's catalog entity: the owning user, or anyone in the owning group,
 * sub-groups included), {@code group:} refs (their members) and {@code user:} refs. The requester never approves
 * their own request; that rule is the caller's ({@link AccessDesk}), checked first.
 *
 * <p>Blocking: call off the event loop. Without a catalog, only {@code user:default/<name>} refs and the groups of
 * the caller's token count.
 */
public final class Approvers {

    private final Catalog catalog;
    private final CatalogRoleSource roles;

    /** @param catalog the catalog, or {@code null}; @param roles its look-ups, or {@code null} without a catalog */
    public Approvers(Catalog catalog, CatalogRoleSource roles) {
        this.catalog = catalog;
        this.roles = roles;
    }

    /** The caller as approvers see them, read once: for an inbox of many requests, one look-up. */
    public Caller caller(Identity identity) {
        Set<String> refs = new LinkedHashSet<>();
        identity.groups().forEach(g -> refs.add(g.toLowerCase(Locale.ROOT)));
        if (roles != null) {
            refs.addAll(roles.currentRefs(identity));
        } else if (identity.user() != null) {
            refs.add("user:default/" + identity.user().toLowerCase(Locale.ROOT));
        }
        return new Caller(Set.copyOf(refs));
    }

    /** The caller's current refs (for "the requester's current groups" on the inbox). */
    public Set<String> currentRefs(Identity identity) {
        return caller(identity).refs();
    }

    /** One caller's refs, and the catalog's route entities read at most once. */
    public final class Caller {

        private final Set<String> refs;
        private List<RoutedEntity> entities;

        private Caller(Set<String> refs) {
            this.refs = refs;
        }

        public Set<String> refs() {
            return refs;
        }

        /** Whether this caller may approve requests for {@code route}, whose policy takes them as {@code request}. */
        public boolean mayApprove(String route, Requestable request) {
            for (String approver : request.approvers()) {
                if (approver.equals(Requestable.OWNERS)) {
                    String owner = ownerOf(route, request.catalog());
                    if (owner != null && refs.contains(owner)) {
                        return true;
                    }
                } else if (refs.contains(approver)) {
                    return true;
                }
            }
            return false;
        }

        /** The owner ref of the route's entity: the one the policy names, or the one declaring or claiming it. */
        private String ownerOf(String route, String entityRef) {
            if (catalog == null) {
                return null;
            }
            if (entities == null) {
                entities = catalog.routedEntities();
            }
            for (RoutedEntity entity : entities) {
                if (entityRef != null ? entity.ref().equals(entityRef) : owns(entity, route)) {
                    return entity.owner();
                }
            }
            return null;
        }
    }

    static boolean owns(RoutedEntity entity, String route) {
        if (entity.declaresRoute() && RoutedEntity.routeIdOf(entity.ref()).equals(route)) {
            return true;
        }
        String claimed = entity.annotations().get(RoutedEntity.OWNED_ROUTES);
        if (claimed == null) {
            return false;
        }
        for (String id : claimed.split(",")) {
            if (id.strip().equals(route)) {
                return true;
            }
        }
        return false;
    }
}
