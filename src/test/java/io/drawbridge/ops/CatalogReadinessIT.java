package io.drawbridge.ops;

import io.drawbridge.dev.EchoUpstream;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TokenMinter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * Route discovery only when {@code catalog.routes: true}, and readiness that waits for the catalog only while a
 * route needs it: a Backstage that is unreachable at start keeps down only a gateway whose routes enrich from it.
 */
class CatalogReadinessIT {

    private static final String ISSUERS = """
            @TEST_ISSUER@
            policies:
              anyone:
                allow:
                  - users: ["*"]
            """;

    private final HttpClient http = HttpClient.newHttpClient();
    private final TokenMinter minter = new TokenMinter();
    private Path dir;
    private EchoUpstream echo;
    private GatewayFixture gateway;
    private int deadPort;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        echo = EchoUpstream.start();
        minter.writeJwks(dir.resolve("jwks.json"));
        try (var socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort(); // closed again: no Backstage there
        }
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        echo.close();
    }

    private static String route(String id, boolean enrich) {
        return """
                - route:
                    id: %s
                    from:
                      uri: gateway:/%s
                      steps:
                        - to: drawbridge:authenticate
                %s        - to: drawbridge:authorize?policy=anyone
                        - to: drawbridge:proxy?upstream={{upstream.echo}}&stripPrefix=true
                """.formatted(id, id, enrich ? "        - to: drawbridge:enrich\n" : "");
    }

    private String unreachableBackstage(String extra) {
        return ISSUERS + """
                catalog:
                  backstage:
                    url: http://127.0.0.1:%d
                    token: ${DRAWBRIDGE_IT_CATALOG_TOKEN:-catalog-token-for-the-readiness-test}
                    timeout: 300ms
                  pollInterval: 1h
                %s""".formatted(deadPort, extra);
    }

    private HttpResponse<String> ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + gateway.gateway().managementPort() + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void anUnreachableCatalogKeepsNoGatewayDownWhoseRoutesNeverAskIt() throws Exception {
        gateway = GatewayFixture.start(dir, unreachableBackstage(""), Map.of("plain.yaml", route("plain", false)),
                Map.of("upstream.echo", echo.url()));
        gateway.awaitReady();
        var response = RawHttp.exchange(gateway.port(), "GET /plain/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + minter.token("alice", List.of()) + "\r\n\r\n");
        assertThat(response.status()).isEqualTo(200);

        // A route that enriches arrives: now the catalog is needed, and it has never answered.
        Files.writeString(dir.resolve("routes/enriched.yaml"), route("enriched", true));
        eventually("readiness waits for the catalog", () -> ready().statusCode() == 503);
        assertThat(ready().body()).contains("\"catalog\":\"DOWN: the catalog has not answered yet");

        Files.delete(dir.resolve("routes/enriched.yaml"));
        eventually("readiness no longer waits for it", () -> ready().statusCode() == 200);
    }

    @Test
    void withRouteDiscoveryTheCatalogMustHaveAnsweredOnce() throws Exception {
        gateway = GatewayFixture.start(dir, unreachableBackstage("  routes: true\n"),
                Map.of("plain.yaml", route("plain", false)), Map.of("upstream.echo", echo.url()));
        Thread.sleep(1_000); // the issuers' keys are read from a file at once: only the catalog can hold it back
        var response = ready();
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("\"catalog\":\"DOWN: the catalog has not answered yet (route discovery)");
    }

    @Test
    void anEntityWithRouteAnnotationsDeclaresNoRouteUnlessDiscoveryIsOn() throws Exception {
        Files.createDirectories(dir.resolve("catalog"));
        Files.writeString(dir.resolve("catalog/tools.yaml"), """
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata:
                  name: tools
                  annotations:
                    drawbridge.io/upstream: "%s"
                    drawbridge.io/path: /tools
                    drawbridge.io/allow: owners
                spec: { type: service, lifecycle: production, owner: user:alice }
                ---
                apiVersion: backstage.io/v1alpha1
                kind: User
                metadata: { name: alice }
                spec: { profile: { email: alice@example.com }, memberOf: [] }
                """.formatted(echo.url()));
        gateway = GatewayFixture.start(dir, ISSUERS + """
                catalog:
                  files: @DIR@/catalog/*.yaml
                  pollInterval: 300ms
                """, Map.of("plain.yaml", route("plain", true)), Map.of("upstream.echo", echo.url()));
        gateway.awaitReady();
        Thread.sleep(1_000); // three poll intervals, had discovery been on
        assertThat(gateway.gateway().camelContext().getRoutes()).noneMatch(r -> r.getRouteId().startsWith("catalog-"));
        var response = RawHttp.exchange(gateway.port(), "GET /tools/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + minter.token("alice", List.of()) + "\r\n\r\n");
        assertThat(response.status()).isEqualTo(404);
    }
}
