package io.drawbridge.edge;

import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision endpoint over real sockets, asked the way fronts ask it: the original request in
 * {@code X-Forwarded-*} headers (nginx, Caddy, Traefik) or appended to the endpoint's path (Envoy). The front is
 * 127.0.0.1, the only trusted proxy; a client on 127.0.0.2 plays someone asking behind the front's back. Nothing
 * here may reach the upstream: the endpoint decides, it never proxies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecideIT {

    private final TokenMinter minter = new TokenMinter();
    private final TestUpstream upstream = new TestUpstream();
    private GatewayFixture gateway;
    private String alice;
    private String bob;

    @BeforeAll
    void start(@TempDir Path dir) {
        minter.writeJwks(dir.resolve("jwks.json"));
        alice = minter.token("alice", List.of("sre"));
        bob = minter.token("bob", List.of("dev"));
        gateway = GatewayFixture.start(dir, """
                server:
                  trustedProxies: [127.0.0.1]
                @TEST_ISSUER@
                policies:
                  sre:
                    allow:
                      - groups: [sre]
                  readonly:
                    allow:
                      - groups: [sre]
                        methods: [GET]
                  open:
                    public: true
                """, Map.of(
                "app.yaml", route("app", "/app", true, "sre"),
                "readonly.yaml", route("readonly", "/readonly", true, "readonly"),
                "public.yaml", route("public", "/public", false, "open"),
                "auth.yaml", """
                        - route:
                            id: forward-auth
                            from:
                              uri: gateway:/.drawbridge/auth
                              steps:
                                - to: drawbridge:decide
                        """), Map.of("upstream", upstream.url()));
    }

    static String route(String id, String prefix, boolean authenticate, String policy) {
        return """
                - route:
                    id: %s
                    from:
                      uri: gateway:%s
                      steps:
                %s        - to: drawbridge:authorize?policy=%s
                        - to: "drawbridge:proxy?upstream={{upstream}}&stripPrefix=true"
                """.formatted(id, prefix, authenticate ? "        - to: drawbridge:authenticate\n" : "", policy);
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
    }

    private RawHttp.Response ask(String headers) {
        return RawHttp.exchange(gateway.port(), "GET /.drawbridge/auth HTTP/1.1\r\nHost: front.test\r\n"
                + headers + "Connection: close\r\n\r\n");
    }

    @Test
    void allowsAliceAndAnswersWithHerIdentityHeadersAndAssertion() {
        var response = ask("X-Forwarded-Method: GET\r\nX-Forwarded-Uri: /app/reports?year=2026\r\n"
                + "X-Forwarded-Host: apps.example.com\r\nAuthorization: Bearer " + alice + "\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-Forwarded-User")).isEqualTo("alice");
        assertThat(response.header("X-Forwarded-Groups")).isEqualTo("sre");
        assertThat(response.header("X-Drawbridge-Assertion")).isNotBlank();
        assertThat(response.header("Authorization")).as("the client's own token is never echoed").isNull();
        assertThat(upstream.received()).isEmpty();
        JsonNode record = gateway.audit(response.header("X-Request-Id"));
        assertThat(record.get("decision").asText()).isEqualTo("allow");
        assertThat(record.get("route").asText()).isEqualTo("app");
        assertThat(record.get("method").asText()).isEqualTo("GET");
        assertThat(record.get("path").asText()).isEqualTo("/app/reports");
        assertThat(record.get("host").asText()).isEqualTo("apps.example.com");
        assertThat(record.get("subject").asText()).isEqualTo("alice");
        assertThat(record.get("upstream").asText()).isEqualTo("front:127.0.0.1");
    }

    @Test
    void deniesBobWithTheRoutesOwnReason() {
        var response = ask("X-Forwarded-Method: GET\r\nX-Forwarded-Uri: /app/\r\nAuthorization: Bearer " + bob
                + "\r\n");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.header("X-Forwarded-User")).isNull();
        JsonNode record = gateway.audit(response.header("X-Request-Id"));
        assertThat(record.get("reason").asText()).isEqualTo("group-missing");
        assertThat(record.get("route").asText()).isEqualTo("app");
        assertThat(record.get("subject").asText()).isEqualTo("bob");
    }

    @Test
    void challengesACallerWithoutAToken() {
        var response = ask("X-Forwarded-Method: GET\r\nX-Forwarded-Uri: /app/\r\n");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(gateway.audit(response.header("X-Request-Id")).get("reason").asText()).isEqualTo("token-missing");
    }

    @Test
    void refusesAPeerOutsideTheTrustedProxiesAndAuditsIt() {
        RawHttp.Response response;
        try (var http = new RawHttp(from("127.0.0.2"))) {
            response = http.send("GET /.drawbridge/auth HTTP/1.1\r\nHost: front.test\r\nX-Forwarded-Method: GET\r\n"
                    + "X-Forwarded-Uri: /app/\r\nAuthorization: Bearer " + alice + "\r\nConnection: close\r\n\r\n")
                    .read();
        }

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.header("X-Forwarded-User")).isNull();
        JsonNode record = gateway.audit(response.header("X-Request-Id"));
        assertThat(record.get("reason").asText()).isEqualTo("untrusted-front");
        assertThat(record.get("decision").asText()).isEqualTo("deny");
        assertThat(record.get("clientIp").asText()).isEqualTo("127.0.0.2");
    }

    @Test
    void takesNginxsXOriginalUri() {
        var response = ask("X-Original-URI: /app/x\r\nAuthorization: Bearer " + alice + "\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(gateway.audit(response.header("X-Request-Id")).get("path").asText()).isEqualTo("/app/x");
    }

    @Test
    void takesEnvoysPathAppendedToThePrefixWithTheOriginalMethod() {
        var allowed = RawHttp.exchange(gateway.port(), "GET /.drawbridge/auth/readonly/page?x=1 HTTP/1.1\r\n"
                + "Host: apps.example.com\r\nAuthorization: Bearer " + alice + "\r\nConnection: close\r\n\r\n");
        var denied = RawHttp.exchange(gateway.port(), "POST /.drawbridge/auth/readonly/page HTTP/1.1\r\n"
                + "Host: apps.example.com\r\nAuthorization: Bearer " + alice + "\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n");

        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("X-Forwarded-User")).isEqualTo("alice");
        JsonNode record = gateway.audit(allowed.header("X-Request-Id"));
        assertThat(record.get("route").asText()).isEqualTo("readonly");
        assertThat(record.get("path").asText()).isEqualTo("/readonly/page");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(gateway.audit(denied.header("X-Request-Id")).get("reason").asText())
                .isEqualTo("method-not-allowed");
    }

    @Test
    void decidesOnTheForwardedMethod() {
        var response = ask("X-Forwarded-Method: DELETE\r\nX-Forwarded-Uri: /readonly/x\r\nAuthorization: Bearer "
                + alice + "\r\n");

        assertThat(response.status()).isEqualTo(403);
        JsonNode record = gateway.audit(response.header("X-Request-Id"));
        assertThat(record.get("method").asText()).isEqualTo("DELETE");
        assertThat(record.get("reason").asText()).isEqualTo("method-not-allowed");
    }

    /** The decision is made on the path the upstream will resolve, not on the first segment the front saw. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/public/../app/secret, 401, app",
            "/public/%2e%2e/app/secret, 401, app",
            "/public//..//app/secret, 401, app",
            "/public/./x, 200, public",
    })
    void normalizesTheOriginalPathLikeTheEdge(String uri, int status, String route) {
        var response = ask("X-Forwarded-Method: GET\r\nX-Forwarded-Uri: " + uri + "\r\n");

        assertThat(response.status()).isEqualTo(status);
        assertThat(gateway.audit(response.header("X-Request-Id")).get("route").asText()).isEqualTo(route);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "/public/..%2Fapp/secret",
            "/public/%252e%252e/app",
            "/public/x%00",
            "http://evil.example/app/",
            "/../app/",
    })
    void refusesOriginalPathsTheEdgeRefuses(String uri) {
        var response = ask("X-Forwarded-Method: GET\r\nX-Forwarded-Uri: " + uri + "\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("X-Forwarded-User")).isNull();
    }

    @Test
    void refusesTwoOriginalUris() {
        var response = ask("X-Forwarded-Uri: /public/\r\nX-Forwarded-Uri: /app/\r\n");

        assertThat(response.status()).isEqualTo(400);
    }

    @Test
    void neverTakesTheClientsIdentityHeadersIntoTheAnswer() {
        var anonymous = ask("X-Forwarded-Uri: /public/\r\nX-Forwarded-User: mallory\r\n"
                + "X-Drawbridge-Assertion: forged\r\n");
        var asAlice = ask("X-Forwarded-Uri: /app/\r\nX-Forwarded-User: mallory\r\nAuthorization: Bearer " + alice
                + "\r\n");

        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.header("X-Forwarded-User")).isNull();
        assertThat(anonymous.header("X-Drawbridge-Assertion")).isNull();
        assertThat(asAlice.headers("X-Forwarded-User")).containsExactly("alice");
    }

    @Test
    void decidesForProxiedRoutesOnlyNeverForItself() {
        var self = ask("X-Forwarded-Uri: /.drawbridge/auth\r\n");
        var nowhere = ask("X-Forwarded-Uri: /nothing-here\r\n");

        assertThat(self.status()).isEqualTo(404);
        assertThat(nowhere.status()).isEqualTo(404);
        assertThat(gateway.audit(nowhere.header("X-Request-Id")).get("reason").asText()).isEqualTo("no-route");
    }

    /** A connection to the gateway from another loopback address than the trusted front's. */
    private Socket from(String localAddress) {
        try {
            var socket = new Socket();
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
