package io.drawbridge.edge;

import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Traefik and Envoy are not packaged by Debian, so their documented request and response shapes are played
 * against the decision endpoint: Traefik's {@code forwardAuth} (a GET carrying the original request in
 * {@code X-Forwarded-Method}, {@code -Proto}, {@code -Host}, {@code -Uri}, {@code -For} and its headers,
 * {@code authResponseHeaders} copied from a 2xx, any other answer returned to the client as is) and Envoy's
 * {@code ext_authz} HTTP service (the original method and Host, the original path appended to
 * {@code path_prefix}, {@code allowed_headers} passed; {@code allowed_upstream_headers} copied from a 2xx, a
 * denial's status and headers returned to the client).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraefikEnvoyShapesIT {

    /** The headers docs/guides/forward-auth/traefik.md and envoy.md copy from a 2xx onto the upstream request. */
    static final List<String> IDENTITY = List.of("X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups",
            "X-Forwarded-Preferred-Username", "X-Drawbridge-Assertion");

    private final TokenMinter minter = new TokenMinter();
    private final TestUpstream app = new TestUpstream();
    private MockOAuth2Server idp;
    private GatewayFixture gateway;
    private String alice;
    private String bob;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        idp = new MockOAuth2Server();
        idp.start();
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(idp.jwksUrl("corp").uri()).build(),
                HttpResponse.BodyHandlers.discarding());
        minter.writeJwks(dir.resolve("jwks.json"));
        alice = minter.token("alice", List.of("sre"));
        bob = minter.token("bob", List.of("dev"));
        gateway = GatewayFixture.start(dir, """
                server:
                  trustedProxies: [127.0.0.1]
                issuers:
                  - name: test
                    issuer: https://issuer.test
                    jwksFile: @DIR@/jwks.json
                    audiences: [drawbridge]
                  - name: corp
                    issuer: %s
                    audiences: [drawbridge]
                login:
                  issuer: corp
                  clientId: drawbridge-gateway
                  clientSecret: ${DRAWBRIDGE_TEST_SECRET:-not-checked-by-the-mock}
                  redirectUri: https://apps.example.com/oauth2/callback
                  session:
                    keys: ["${DRAWBRIDGE_TEST_SESSION_KEY:-%s}"]
                policies:
                  sre:
                    allow:
                      - groups: [sre]
                """.formatted(idp.issuerUrl("corp"), FrontContract.SESSION_KEY), Map.of(
                "app.yaml", DecideIT.route("app", "/app", true, "sre").replace("drawbridge:authenticate",
                        "drawbridge:authenticate?login=browser"),
                "auth.yaml", FrontContract.authRoute("/.drawbridge/auth", "redirect")), Map.of("upstream", app.url()));
        gateway.awaitReady();
    }

    @org.junit.jupiter.api.BeforeEach
    void forget() {
        app.received().clear();
    }

    @AfterAll
    void stop() {
        gateway.close();
        app.close();
        idp.shutdown();
    }

    private RawHttp.Response send(String head) {
        return RawHttp.exchange(gateway.port(), head + "Connection: close\r\n\r\n");
    }

    private static String traefik(String method, String uri, String headers) {
        return "GET /.drawbridge/auth HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Method: " + method + "\r\n"
                + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: apps.example.com\r\nX-Forwarded-Uri: " + uri + "\r\n"
                + "X-Forwarded-For: 203.0.113.9\r\nUser-Agent: curl/8\r\n" + headers;
    }

    private static String envoy(String method, String uri, String headers) {
        return method + " /.drawbridge/auth" + uri + " HTTP/1.1\r\nHost: apps.example.com\r\n"
                + "X-Forwarded-Proto: https\r\nX-Forwarded-For: 203.0.113.9\r\nContent-Length: 0\r\n" + headers;
    }

    @Test
    void traefikGetsTheAuthResponseHeadersForAlice() {
        var response = send(traefik("POST", "/app/reports?year=2026", "Authorization: Bearer " + alice + "\r\n"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-Forwarded-User")).isEqualTo("alice");
        assertThat(response.header("X-Drawbridge-Assertion")).isNotBlank();
        var record = gateway.audit(response.header("X-Request-Id"));
        assertThat(record.get("method").asText()).isEqualTo("POST");
        assertThat(record.get("path").asText()).isEqualTo("/app/reports");
        assertThat(record.get("host").asText()).isEqualTo("apps.example.com");
        assertThat(record.get("clientIp").asText()).isEqualTo("203.0.113.9");
        assertThat(app.received()).isEmpty();
    }

    @Test
    void traefikPassesBobsRefusalAndAMissingTokensChallengeToTheClient() {
        var denied = send(traefik("GET", "/app/", "Authorization: Bearer " + bob + "\r\n"));
        var anonymous = send(traefik("GET", "/app/", "Accept: application/json\r\n"));

        assertThat(denied.status()).isEqualTo(403);
        IDENTITY.forEach(name -> assertThat(denied.header(name)).as(name).isNull());
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
    }

    /**
     * A browser is sent to sign in with a 302 and its sign-in cookie, which Traefik returns as is; after signing in
     * the callback (served by Drawbridge behind the same front) sends it back to the original page, not to the
     * decision endpoint.
     */
    @Test
    void traefikSendsABrowserToSignInAndBackToTheOriginalPage() throws Exception {
        var toLogin = send(traefik("GET", "/app/reports?year=2026", "Accept: text/html\r\n"));

        assertThat(toLogin.status()).isEqualTo(302);
        String authorize = toLogin.header("Location");
        assertThat(authorize).startsWith(idp.authorizationEndpointUrl("corp").toString());
        assertThat(toLogin.headers("Set-Cookie")).isNotEmpty();
        assertThat(backAfterSignIn(authorize, toLogin.headers("Set-Cookie"))).isEqualTo("/app/reports?year=2026");
    }

    @Test
    void envoyGetsTheUpstreamHeadersForAliceOnTheOriginalMethodAndPath() {
        var response = send(envoy("DELETE", "/app/reports?year=2026", "Authorization: Bearer " + alice + "\r\n"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-Forwarded-User")).isEqualTo("alice");
        assertThat(response.header("X-Forwarded-Groups")).isEqualTo("sre");
        var record = gateway.audit(response.header("X-Request-Id"));
        assertThat(record.get("method").asText()).isEqualTo("DELETE");
        assertThat(record.get("path").asText()).isEqualTo("/app/reports");
        assertThat(record.get("route").asText()).isEqualTo("app");
        assertThat(app.received()).isEmpty();
    }

    @Test
    void envoyPassesRefusalsAndTheSignInRedirectToTheClient() throws Exception {
        var denied = send(envoy("GET", "/app/", "Authorization: Bearer " + bob + "\r\n"));
        var anonymous = send(envoy("GET", "/app/", ""));
        var browser = send(envoy("GET", "/app/page", "Accept: text/html\r\n"));

        assertThat(denied.status()).isEqualTo(403);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(browser.status()).isEqualTo(302);
        assertThat(backAfterSignIn(browser.header("Location"), browser.headers("Set-Cookie"))).isEqualTo("/app/page");
    }

    @Test
    void envoysPathIsNormalizedWithThePrefixAndRefusedWhenItLeavesIt() {
        var normalized = send(envoy("GET", "/public/../app/x", ""));
        // Climbing out of the prefix makes it no decision request at all: /.drawbridge/app/x has no route.
        var escaping = send(envoy("GET", "/../app/x", "Authorization: Bearer " + alice + "\r\n"));

        assertThat(normalized.status()).isEqualTo(401);
        assertThat(gateway.audit(normalized.header("X-Request-Id")).get("route").asText()).isEqualTo("app");
        assertThat(escaping.status()).isEqualTo(404);
        assertThat(escaping.header("X-Forwarded-User")).isNull();
        assertThat(app.received()).isEmpty();
    }

    /** Signs in at the mock issuer and calls Drawbridge's callback with the sign-in cookie: where it sends back. */
    private String backAfterSignIn(String authorize, List<String> setCookies) throws Exception {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("corp", "alice-id", "JWT", List.of("drawbridge"),
                Map.of("preferred_username", "alice", "groups", List.of("sre")), 3600));
        var http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        var fromIdp = http.send(HttpRequest.newBuilder(URI.create(authorize)).build(),
                HttpResponse.BodyHandlers.discarding());
        String callback = fromIdp.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith("https://apps.example.com/oauth2/callback?");
        StringBuilder cookie = new StringBuilder();
        for (String set : setCookies) {
            String pair = set.split(";", 2)[0];
            if (!pair.endsWith("=")) {
                cookie.append(cookie.isEmpty() ? "" : "; ").append(pair);
            }
        }
        var back = send("GET " + callback.substring("https://apps.example.com".length()) + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nX-Forwarded-Host: apps.example.com\r\nX-Forwarded-Proto: https\r\n"
                + "Cookie: " + cookie + "\r\n");
        assertThat(back.status()).as(back.text()).isEqualTo(303);
        return back.header("Location");
    }
}
