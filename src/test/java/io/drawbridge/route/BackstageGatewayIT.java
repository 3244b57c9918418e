package io.drawbridge.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.dev.EchoUpstream;
import io.drawbridge.testing.BackstageProcess;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TokenMinter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Backstage issue's "done when", against a real Backstage backend: alice (in sre, a child of platform) owns a
 * component that declares an upstream; she reaches it through a route nobody wrote and bob does not; a policy
 * naming group:default/platform lets her in through the parent group; Backstage signs her in through the gateway
 * with its oauth2Proxy provider (and cannot be fooled by headers bob sends); and with Backstage stopped she keeps
 * working until the staleness limit, then gets 503. Every decision is in the audit log with its reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackstageGatewayIT {

    private static final String TOKEN = "drawbridge-gateway-it-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TokenMinter minter = new TokenMinter();
    private EchoUpstream echo;
    private BackstageProcess backstage;
    private GatewayFixture gateway;
    private String alice;
    private String bob;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        echo = EchoUpstream.start();
        Path catalog = Files.createDirectories(dir.resolve("catalog"));
        Files.writeString(catalog.resolve("org.yaml"), """
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
                kind: Group
                metadata: { name: sales }
                spec: { type: department, children: [] }
                ---
                apiVersion: backstage.io/v1alpha1
                kind: User
                metadata: { name: alice }
                spec: { profile: { email: alice@example.com }, memberOf: [sre] }
                ---
                apiVersion: backstage.io/v1alpha1
                kind: User
                metadata: { name: bob }
                spec: { profile: { email: bob@example.com }, memberOf: [sales] }
                """);
        Files.writeString(catalog.resolve("tools.yaml"), """
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata:
                  name: tools
                  annotations:
                    drawbridge.io/upstream: "%s"
                    drawbridge.io/path: /tools
                    drawbridge.io/allow: owners
                spec: { type: service, lifecycle: production, owner: sre }
                """.formatted(echo.url()));
        backstage = BackstageProcess.start(catalog + "/*.yaml", TOKEN);
        minter.writeJwks(dir.resolve("jwks.json"));
        alice = minter.token("alice", List.of());
        bob = minter.token("bob", List.of());
        String route = """
                - route:
                    id: %s
                    from:
                      uri: gateway:/%s
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:enrich
                        - to: drawbridge:authorize?policy=%s
                        - to: drawbridge:proxy?upstream={{%s}}&stripPrefix=true
                """;
        gateway = GatewayFixture.start(dir, """
                @TEST_ISSUER@
                policies:
                  platform:
                    allow:
                      - groups: ["group:default/platform"]
                  anyone:
                    allow:
                      - users: ["*"]
                catalog:
                  backstage:
                    url: %s
                    token: ${DRAWBRIDGE_IT_BACKSTAGE_TOKEN:-%s}
                    timeout: 2s
                  ttl: 1s
                  maxStaleness: 5s
                  routes: true
                  pollInterval: 1s
                """.formatted(backstage.url(), TOKEN),
                Map.of("platform.yaml", route.formatted("platform", "platform", "platform", "upstream.echo"),
                        "backstage.yaml", route.formatted("backstage", "backstage", "anyone", "upstream.backstage")),
                Map.of("upstream.echo", echo.url(), "upstream.backstage", backstage.url()));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (backstage != null) {
            backstage.stop();
        }
        echo.close();
    }

    private RawHttp.Response get(String path, String token, String... headers) {
        var request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        request.append("Authorization: Bearer ").append(token).append("\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return RawHttp.exchange(gateway.port(), request.append("\r\n").toString());
    }

    private JsonNode audit(RawHttp.Response response) {
        return gateway.audit(response.header("X-Request-Id"));
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("condition never held").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    @Order(1)
    void aliceReachesTheUpstreamHerTeamDeclaredAndBobDoesNot() throws Exception {
        eventually(() -> get("/tools/", alice).status() != 404);
        var allowed = get("/tools/x", alice);
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(JSON.readTree(allowed.body()).at("/headers/X-Forwarded-User/0").asText()).isEqualTo("alice");
        JsonNode record = audit(allowed);
        assertThat(record.path("decision").asText()).isEqualTo("allow");
        assertThat(record.path("route").asText()).isEqualTo("catalog-component-default-tools");
        assertThat(record.path("groups").toString()).contains("group:default/sre", "group:default/platform");

        var denied = get("/tools/x", bob);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(audit(denied).path("reason").asText()).isEqualTo("group-missing");
        assertThat(audit(denied).path("groups").toString()).contains("group:default/sales");
    }

    @Test
    @Order(2)
    void aPolicyNamingTheParentGroupLetsAliceInThroughSre() {
        var allowed = get("/platform/", alice);
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(audit(allowed).path("reason").asText()).isEqualTo("rule-matched");
        assertThat(get("/platform/", bob).status()).isEqualTo(403);
    }

    @Test
    @Order(3)
    void backstageSignsAliceInFromTheGatewaysHeadersAndIgnoresWhatBobSends() throws Exception {
        var signIn = get("/backstage/api/auth/oauth2Proxy/refresh", alice);
        assertThat(signIn.status()).as(signIn.text()).isEqualTo(200);
        JsonNode identity = JSON.readTree(signIn.body()).at("/backstageIdentity/identity");
        assertThat(identity.path("userEntityRef").asText()).isEqualTo("user:default/alice");

        var spoofed = get("/backstage/api/auth/oauth2Proxy/refresh", bob, "X-Forwarded-User: alice",
                "X-Forwarded-Email: alice@example.com", "x_forwarded_preferred_username: alice");
        assertThat(spoofed.status()).isEqualTo(200);
        assertThat(JSON.readTree(spoofed.body()).at("/backstageIdentity/identity/userEntityRef").asText())
                .isEqualTo("user:default/bob");
    }

    @Test
    @Order(4)
    void withBackstageDownAliceKeepsWorkingUntilTheStalenessLimitThenGets503() throws Exception {
        assertThat(get("/platform/", alice).status()).isEqualTo(200); // a fresh answer just before
        backstage.stop();
        Thread.sleep(1500); // past the 1 s TTL: the next answer must come from the last known good one
        var stale = get("/platform/", alice);
        assertThat(stale.status()).isEqualTo(200);
        assertThat(audit(stale).path("catalog").asText()).startsWith("stale:");
        assertThat(get("/tools/", alice).status()).isEqualTo(200); // the catalog route stays while it is down

        eventually(() -> get("/platform/", alice).status() == 503);
        var closed = get("/platform/", alice);
        assertThat(closed.status()).isEqualTo(503);
        JsonNode record = audit(closed);
        assertThat(record.path("decision").asText()).isEqualTo("error");
        assertThat(record.path("reason").asText()).isEqualTo("catalog-unavailable");
        assertThat(record.path("catalog").asText()).isEqualTo("unavailable");
    }
}
