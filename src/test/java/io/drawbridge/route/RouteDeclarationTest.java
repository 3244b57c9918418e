package io.drawbridge.route;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import io.drawbridge.identity.RoutedEntity;
import io.drawbridge.policy.PolicyEvaluator;
import io.drawbridge.policy.RequestFacts;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a catalog entity's drawbridge.io annotations may declare, and the policy they make. */
class RouteDeclarationTest {

    private static RoutedEntity entity(String upstream, String path, String allow, String owner) {
        Map<String, String> annotations = new HashMap<>();
        if (upstream != null) {
            annotations.put("drawbridge.io/upstream", upstream);
        }
        if (path != null) {
            annotations.put("drawbridge.io/path", path);
        }
        if (allow != null) {
            annotations.put("drawbridge.io/allow", allow);
        }
        return new RoutedEntity("component:default/grafana", annotations, owner, Set.of());
    }

    private static Identity caller(String... groups) {
        return new Identity("id", "someone", null, Set.of(groups), "corp", null, Map.of(), null);
    }

    @Test
    void declaresAProtectedRouteForTheOwnersAndNamedRefs() throws Exception {
        RouteDeclaration d = RouteDeclaration.of(entity("http://grafana.internal:3000", "/grafana",
                "owners, group:platform, User:default/Carol", "group:default/sre"));
        assertThat(d.routeId()).isEqualTo("catalog-component-default-grafana");
        assertThat(d.path()).isEqualTo("/grafana");
        assertThat(d.allowed()).containsExactlyInAnyOrder("group:default/sre", "group:default/platform",
                "user:default/carol");
    }

    @Test
    void itsPolicyLetsInOnlyCallersHoldingOneOfTheRefs() throws Exception {
        var policy = RouteDeclaration.of(entity("http://g:3000", "/grafana", "owners", "group:default/sre")).policy();
        var facts = new RequestFacts("GET", "/grafana/d/1", "gw");
        assertThat(PolicyEvaluator.evaluate(policy, facts, caller("group:default/sre")).allowed()).isTrue();
        assertThat(PolicyEvaluator.evaluate(policy, facts, caller("sre")).reason()).isEqualTo(Reason.GROUP_MISSING);
        assertThat(PolicyEvaluator.evaluate(policy, facts, null).reason()).isEqualTo(Reason.NOT_AUTHENTICATED);
    }

    @Test
    void aUserOwnerLetsThatUserIn() throws Exception {
        var policy = RouteDeclaration.of(entity("http://n:1", "/notebook", "owners", "user:default/carol")).policy();
        var facts = new RequestFacts("GET", "/notebook", "gw");
        assertThat(PolicyEvaluator.evaluate(policy, facts, caller("user:default/carol")).allowed()).isTrue();
        assertThat(PolicyEvaluator.evaluate(policy, facts, caller("user:default/bob")).allowed()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no upstream                | ''                         | /g          | owners      | drawbridge.io/upstream is missing
            upstream not a URL         | grafana:3000               | /g          | owners      | drawbridge.io/upstream
            upstream of another scheme | file:///etc/passwd         | /g          | owners      | drawbridge.io/upstream
            no path                    | http://g:1                 | ''          | owners      | drawbridge.io/path is missing
            relative path              | http://g:1                 | grafana     | owners      | drawbridge.io/path
            path with dot segments     | http://g:1                 | /a/../admin | owners      | not in normal form
            path with encoded slash    | http://g:1                 | /a%2fb      | owners      | not a plain path
            the root                   | http://g:1                 | /           | owners      | the whole gateway
            the gateway's own path     | http://g:1                 | /dev-idp/x  | owners      | belongs to the gateway
            well-known                 | http://g:1                 | /.well-known | owners     | belongs to the gateway
            no allow                   | http://g:1                 | /g          | ''          | drawbridge.io/allow is missing
            unknown term               | http://g:1                 | /g          | everyone    | unknown term 'everyone'
            a bad ref                  | http://g:1                 | /g          | group:a/b/c | not an entity ref
            """)
    void refusesInvalidDeclarations(String name, String upstream, String path, String allow, String why) {
        assertThatThrownBy(() -> RouteDeclaration.of(entity(upstream.isEmpty() ? null : upstream,
                path.isEmpty() ? null : path, allow.isEmpty() ? null : allow, "group:default/sre")))
                .isInstanceOf(RouteDeclaration.Invalid.class).hasMessageContaining(why);
    }

    private static RoutedEntity withAnnotations(Map<String, String> more) {
        RoutedEntity base = entity("http://backstage:7007", "/backstage", "owners", "group:default/sre");
        Map<String, String> annotations = new HashMap<>(base.annotations());
        annotations.putAll(more);
        return new RoutedEntity(base.ref(), annotations, base.owner(), base.ownerMembers());
    }

    @Test
    void bearerTokensOnlyUnlessTheEntityAsksForBrowserSignIn() throws Exception {
        assertThat(RouteDeclaration.of(withAnnotations(Map.of())).authenticateQuery())
                .isEqualTo("login=none&authorization=gateway");
        assertThat(RouteDeclaration.of(withAnnotations(Map.of("drawbridge.io/login", "Browser"))).authenticateQuery())
                .isEqualTo("login=browser&authorization=gateway");
        assertThat(RouteDeclaration.of(withAnnotations(Map.of("drawbridge.io/login", "browser",
                "drawbridge.io/authorization", "upstream"))).authenticateQuery())
                .isEqualTo("login=browser&authorization=upstream");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            an unknown login                  | oidc    | gateway  | drawbridge.io/login: must be none or browser
            login that smuggles a parameter   | browser&forwardToken=true | gateway | drawbridge.io/login: must be
            an unknown authorization          | browser | app      | drawbridge.io/authorization: must be gateway
            the app's header without sessions | none    | upstream | needs drawbridge.io/login: browser
            """)
    void refusesLoginsAndAuthorizationsItCannotHonour(String name, String login, String authorization, String why) {
        assertThatThrownBy(() -> RouteDeclaration.of(withAnnotations(Map.of("drawbridge.io/login", login,
                "drawbridge.io/authorization", authorization))))
                .isInstanceOf(RouteDeclaration.Invalid.class).hasMessageContaining(why);
    }

    @Test
    void refusesOwnersWhenTheEntityHasNoOwner() {
        assertThatThrownBy(() -> RouteDeclaration.of(entity("http://g:1", "/g", "owners", null)))
                .isInstanceOf(RouteDeclaration.Invalid.class).hasMessageContaining("has no owner");
    }

    @Test
    void pathsOverlapOnWholeSegmentsOnly() {
        assertThat(CatalogRoutes.overlaps("/grafana", "/grafana")).isTrue();
        assertThat(CatalogRoutes.overlaps("/grafana/api", "/grafana")).isTrue();
        assertThat(CatalogRoutes.overlaps("/grafana", "/grafana/api")).isTrue();
        assertThat(CatalogRoutes.overlaps("/grafana", "/")).isTrue();
        assertThat(CatalogRoutes.overlaps("/grafana", "/grafana2")).isFalse();
        assertThat(CatalogRoutes.overlaps("/docs", "/grafana")).isFalse();
    }
}
