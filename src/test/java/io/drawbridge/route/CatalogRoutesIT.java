package io.drawbridge.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.dev.EchoUpstream;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TokenMinter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routes that appear and disappear with catalog entities (catalog files, polled every 300 ms), and the
 * declarations the gateway refuses while the working routes keep working.
 */
class CatalogRoutesIT {

    private static final String ORG = """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: { name: platform }
            spec: { type: department, children: [sre] }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: { name: sre }
            spec: { type: team, parent: platform, children: [] }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: { name: alice }
            spec: { profile: { email: alice@example.com }, memberOf: [sre] }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: { name: bob }
            spec: { profile: { email: bob@example.com }, memberOf: [] }
            """;

    private final TokenMinter minter = new TokenMinter();
    private Path dir;
    private EchoUpstream echo;
    private GatewayFixture gateway;
    private String alice;
    private String bob;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        echo = EchoUpstream.start();
        minter.writeJwks(dir.resolve("jwks.json"));
        alice = minter.token("alice", List.of());
        bob = minter.token("bob", List.of());
        Files.createDirectories(dir.resolve("catalog"));
        Files.writeString(dir.resolve("catalog/org.yaml"), ORG);
        component("alpha", "/alpha", echo.url(), "owners", "sre");
        gateway = GatewayFixture.start(dir, """
                @TEST_ISSUER@
                policies:
                  sre:
                    allow:
                      - groups: [sre]
                catalog:
                  files: @DIR@/catalog/*.yaml
                  routes: true
                  pollInterval: 300ms
                """, Map.of("echo.yaml", """
                - route:
                    id: echo
                    from:
                      uri: gateway:/echo
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=sre
                        - to: drawbridge:proxy?upstream={{upstream.echo}}
                """), Map.of("upstream.echo", echo.url()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        echo.close();
    }

    private void component(String name, String path, String upstream, String allow, String owner) throws Exception {
        Files.writeString(dir.resolve("catalog/" + name + ".yaml"), """
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata:
                  name: %s
                  annotations:
                    drawbridge.io/upstream: "%s"
                    drawbridge.io/path: %s
                    drawbridge.io/allow: %s
                spec: { type: service, lifecycle: production, owner: %s }
                """.formatted(name, upstream, path, allow, owner));
    }

    private RawHttp.Response get(String path, String token) {
        return RawHttp.exchange(gateway.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n");
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("condition never held").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private List<JsonNode> refusals(String entity) {
        return gateway.auditRecords().stream()
                .filter(r -> r.path("reason").asText().equals("catalog-route-rejected"))
                .filter(r -> r.path("detail").asText().startsWith(entity + ":")).toList();
    }

    @Test
    void anEntityDeclaresARouteForItsOwnersAndTakesItAwayWhenItGoes() throws Exception {
        var allowed = get("/alpha/x", alice);
        assertThat(allowed.status()).isEqualTo(200);
        JsonNode audit = gateway.audit(allowed.header("X-Request-Id"));
        assertThat(audit.path("route").asText()).isEqualTo("catalog-component-default-alpha");
        assertThat(audit.path("catalog").asText()).isEqualTo("fresh");
        assertThat(get("/alpha/x", bob).status()).isEqualTo(403);
        assertThat(get("/alpha/x", null).status()).isEqualTo(401);

        Files.delete(dir.resolve("catalog/alpha.yaml"));
        eventually(() -> get("/alpha/x", alice).status() == 404);
    }

    @Test
    void aNewEntityAppearsWithoutARestart() throws Exception {
        assertThat(get("/beta/", alice).status()).isEqualTo(404);
        component("beta", "/beta", echo.url(), "user:alice", "platform");
        eventually(() -> get("/beta/", alice).status() == 200);
        assertThat(get("/beta/", bob).status()).isEqualTo(403);
    }

    @Test
    void refusesAPathAnotherEntityServesAndKeepsTheWorkingRoute() throws Exception {
        component("intruder", "/alpha", echo.url(), "user:bob", "platform");
        eventually(() -> !refusals("component:default/intruder").isEmpty());
        assertThat(refusals("component:default/intruder").get(0).path("detail").asText())
                .contains("overlaps the path declared by component:default/alpha");
        assertThat(get("/alpha/", alice).status()).isEqualTo(200);
        assertThat(get("/alpha/", bob).status()).isEqualTo(403);
    }

    @Test
    void refusesToTakeOverOrHideInsideAHandWrittenRoute() throws Exception {
        component("shadow", "/echo/admin", echo.url(), "user:bob", "platform");
        eventually(() -> !refusals("component:default/shadow").isEmpty());
        assertThat(refusals("component:default/shadow").get(0).path("detail").asText())
                .contains("overlaps the route 'echo'");
        assertThat(get("/echo/admin", bob).status()).isEqualTo(403); // still the hand-written route's policy
    }

    @Test
    void refusesAnInvalidDeclarationOnceWithAReason() throws Exception {
        component("broken", "/broken", "not a url", "owners", "sre");
        component("strange", "/strange", echo.url(), "everyone", "sre");
        eventually(() -> !refusals("component:default/broken").isEmpty()
                && !refusals("component:default/strange").isEmpty());
        Thread.sleep(1000); // several more polls: the refusal is reported once, not every round
        assertThat(refusals("component:default/broken")).hasSize(1);
        assertThat(refusals("component:default/strange").get(0).path("detail").asText())
                .contains("unknown term 'everyone'");
        assertThat(get("/broken/", alice).status()).isEqualTo(404);
        assertThat(get("/alpha/", alice).status()).isEqualTo(200);
    }
}
