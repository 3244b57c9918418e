package io.drawbridge.identity;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The test organisation in {@code src/test/resources/catalog/} and what any catalog must answer about it, so
 * {@link FileCatalogTest} and {@link BackstageCatalogIT} hold both implementations to the same rows.
 */
final class CatalogFixtures {

    static final Duration TTL = Duration.ofMinutes(5);
    static final Duration MAX_STALENESS = Duration.ofMinutes(15);

    private CatalogFixtures() {
    }

    static Path folder() {
        try {
            return Path.of(CatalogFixtures.class.getResource("/catalog/org.yaml").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The glob of the fixture files, as Backstage's BACKSTAGE_CATALOG and catalog.files take it. */
    static String glob() {
        return folder() + "/*.yaml";
    }

    static CatalogRoleSource.Options options(CatalogRoleSource.Match match, CatalogRoleSource.UnknownUser unknown) {
        return new CatalogRoleSource.Options(match, null, TTL, MAX_STALENESS, unknown, 1000, Duration.ofSeconds(10));
    }

    static Identity caller(String user, String email, String... tokenGroups) {
        return new Identity("sub-" + user, user, email, Set.of(tokenGroups), "corp", "cli", Map.of(), null);
    }

    /** Caller e-mail, then every group enrichment must add: direct memberships and all their ancestors. */
    static Stream<Arguments> groupsByEmail() {
        return Stream.of(
                Arguments.of("alice@example.com", List.of("group:default/sre", "group:default/platform")),
                Arguments.of("ALICE@Example.com", List.of("group:default/sre", "group:default/platform")),
                Arguments.of("erin@example.com", List.of("group:default/sre", "group:default/devex",
                        "group:default/platform")),
                Arguments.of("carol@example.com", List.of("group:default/devex", "group:default/platform")),
                Arguments.of("bob@example.com", List.of("group:default/sales")),
                Arguments.of("dave@example.com", List.of()),
                Arguments.of("lou@example.com", List.of("group:default/loop-a", "group:default/loop-b")),
                Arguments.of("olga.ops@example.com", List.of("group:ops/oncall")),
                Arguments.of("gus@example.com", List.of("group:default/ghosts", "group:default/sre",
                        "group:default/platform")));
    }

    /** Entity name, then the direct memberships ({@code memberOf}) the catalog reports. */
    static Stream<Arguments> memberOfByName() {
        return Stream.of(
                Arguments.of("alice", "user:default/alice", Set.of("group:default/sre")),
                Arguments.of("Alice", "user:default/alice", Set.of("group:default/sre")),
                Arguments.of("erin", "user:default/erin", Set.of("group:default/sre", "group:default/devex")),
                Arguments.of("carol", "user:default/carol", Set.of("group:default/devex")),
                Arguments.of("dave", "user:default/dave", Set.of()));
    }

    /** Group ref, then its parents. */
    static Stream<Arguments> parents() {
        return Stream.of(
                Arguments.of("group:default/sre", Set.of("group:default/platform")),
                Arguments.of("group:default/devex", Set.of("group:default/platform")),
                Arguments.of("group:default/platform", Set.of()),
                Arguments.of("group:default/loop-a", Set.of("group:default/loop-b")),
                Arguments.of("group:default/loop-b", Set.of("group:default/loop-a")),
                Arguments.of("group:default/no-such-group", Set.of()));
    }

    /** The routed entities of components.yaml: ref, owner, owner's members, path annotation, spec.type. */
    static final List<RoutedEntity> ROUTED = List.of(
            new RoutedEntity("component:default/grafana", Map.of("drawbridge.io/upstream", "http://127.0.0.1:13001",
                    "drawbridge.io/path", "/grafana", "drawbridge.io/allow", "owners"), "group:default/sre",
                    Set.of("user:default/alice", "user:default/erin", "user:default/gus"), "service"),
            new RoutedEntity("component:default/notebook", Map.of("drawbridge.io/upstream", "http://127.0.0.1:13004",
                    "drawbridge.io/path", "/notebook", "drawbridge.io/allow", "owners"), "user:default/carol",
                    Set.of("user:default/carol"), "website"),
            new RoutedEntity("resource:default/metrics-db", Map.of("drawbridge.io/upstream", "http://127.0.0.1:13005",
                    "drawbridge.io/path", "/metrics-db"), "group:default/platform", Set.of(), "database"));
}
