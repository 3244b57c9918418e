package io.drawbridge.route;

import io.drawbridge.identity.RoutedEntity;
import io.drawbridge.page.RouteOwner;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Who owns a route: a declaring entity owns its own route; drawbridge.io/routes claims hand-written ones. */
class RouteOwnersTest {

    private static RoutedEntity entity(String ref, String owner, Map<String, String> annotations) {
        return new RoutedEntity(ref, annotations, owner, Set.of());
    }

    @Test
    void aDeclaringEntityOwnsItsRouteAndTheRoutesItClaims() {
        var owners = RouteOwners.owners(List.of(
                entity("component:default/echo", "group:default/sre", Map.of(
                        "drawbridge.io/upstream", "http://echo:8080", "drawbridge.io/path", "/catalog-echo",
                        "drawbridge.io/allow", "owners", "drawbridge.io/routes", "echo, grafana ")),
                entity("component:default/wiki", "user:default/carol", Map.of("drawbridge.io/routes", "wiki"))));

        assertThat(owners).containsExactlyInAnyOrderEntriesOf(Map.of(
                "catalog-component-default-echo", new RouteOwner("component:default/echo", "group:default/sre"),
                "echo", new RouteOwner("component:default/echo", "group:default/sre"),
                "grafana", new RouteOwner("component:default/echo", "group:default/sre"),
                "wiki", new RouteOwner("component:default/wiki", "user:default/carol")));
    }

    @Test
    void theFirstClaimOfARouteStands() {
        var owners = RouteOwners.owners(List.of(
                entity("component:default/a", "group:default/a", Map.of("drawbridge.io/routes", "shared")),
                entity("component:default/b", "group:default/b", Map.of("drawbridge.io/routes", "shared"))));

        assertThat(owners.get("shared").owner()).isEqualTo("group:default/a");
    }

    @Test
    void anEntityThatOnlyClaimsRoutesDeclaresNone() {
        assertThat(entity("component:default/wiki", null, Map.of("drawbridge.io/routes", "wiki")).declaresRoute())
                .isFalse();
    }
}
