package io.drawbridge.edge;

import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.testing.Chromium;
import io.drawbridge.testing.FrontProcess;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.WebDriver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every front in docs/guides/forward-auth must do with Drawbridge deciding, run against the front itself
 * (from Debian's packages) configured by the very file the guide shows, with only its addresses replaced. The
 * application behind the front is the test upstream, which records every request it receives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FrontContract {

    /** The front, configured by the guide's file, before the gateway and the application. */
    abstract FrontProcess startFront(Path dir, int port, int gatewayPort, int appPort) throws IOException;

    /** The decision route's sign-in answer for this front: redirect or status. */
    abstract String signIn();

    /** Where the front asks: /.drawbridge/auth, or /.drawbridge/auth-request for the 401 flavour. */
    String authPath() {
        return signIn().equals("status") ? "/.drawbridge/auth-request" : "/.drawbridge/auth";
    }

    /** What the client gets when Drawbridge refuses to read the original request (400). */
    abstract int refusedStatus();

    final TokenMinter minter = new TokenMinter();
    final TestUpstream app = new TestUpstream();
    GatewayFixture gateway;
    FrontProcess front;
    private String alice;
    private String bob;

    static final String SESSION_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    MockOAuth2Server idp;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        idp = new MockOAuth2Server();
        idp.start();
        java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(idp.jwksUrl("corp").uri())
                .build(), java.net.http.HttpResponse.BodyHandlers.discarding()); // the mock makes its keys now
        int port = GatewayProcess.freePort();
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
                  redirectUri: http://127.0.0.1:%d/oauth2/callback
                  session:
                    keys: ["${DRAWBRIDGE_TEST_SESSION_KEY:-%s}"]
                policies:
                  sre:
                    allow:
                      - groups: [sre]
                  open:
                    public: true
                """.formatted(idp.issuerUrl("corp"), port, SESSION_KEY), Map.of(
                "app.yaml", DecideIT.route("app", "/app", true, "sre").replace("drawbridge:authenticate",
                        "drawbridge:authenticate?login=browser"),
                "public.yaml", DecideIT.route("public", "/public", false, "open"),
                "auth.yaml", authRoute(authPath(), signIn())), Map.of("upstream", app.url()));
        gateway.awaitReady();
        front = startFront(dir, port, gateway.port(), app.port());
    }

    /** The decision route of the guides. */
    static String authRoute(String path, String signIn) {
        return """
                - route:
                    id: forward-auth
                    from:
                      uri: gateway:%s
                      steps:
                        - to: drawbridge:decide?signIn=%s
                """.formatted(path, signIn);
    }

    @AfterAll
    void stop() {
        if (front != null) {
            front.close();
        }
        gateway.close();
        app.close();
        idp.shutdown();
    }

    @BeforeEach
    void forget() {
        app.received().clear();
    }

    RawHttp.Response get(String path, String headers) {
        return RawHttp.exchange(front.port(), "GET " + path + " HTTP/1.1\r\nHost: apps.example.com\r\n" + headers
                + "Connection: close\r\n\r\n");
    }

    JsonNode lastDecision() {
        List<JsonNode> records = gateway.auditRecords();
        long deadline = System.currentTimeMillis() + 5_000;
        while (records.isEmpty() && System.currentTimeMillis() < deadline) {
            records = gateway.auditRecords();
        }
        return records.get(records.size() - 1);
    }

    @Test
    void aliceReachesTheAppWithTheIdentityDrawbridgeAnswered() {
        var response = get("/app/reports", "Authorization: Bearer " + alice + "\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(app.received()).hasSize(1);
        var received = app.received().get(0);
        assertThat(received.uri()).isEqualTo("/app/reports");
        assertThat(received.all("X-Forwarded-User")).containsExactly("alice");
        assertThat(received.all("X-Forwarded-Groups")).containsExactly("sre");
        assertThat(received.all("X-Drawbridge-Assertion")).hasSize(1);
        JsonNode record = lastDecision();
        assertThat(record.get("decision").asText()).isEqualTo("allow");
        assertThat(record.get("route").asText()).isEqualTo("app");
        assertThat(record.get("path").asText()).isEqualTo("/app/reports");
        assertThat(record.get("host").asText()).isEqualTo("apps.example.com");
        assertThat(record.get("upstream").asText()).isEqualTo("front:127.0.0.1");
    }

    @Test
    void aBrowserIsSentToSignInAndComesBackSignedIn(@TempDir Path profile) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("corp", "alice-id", "JWT", List.of("drawbridge"),
                Map.of("preferred_username", "alice", "email", "alice@example.com", "groups", List.of("sre")), 3600));
        String page = "http://127.0.0.1:" + front.port() + "/app/reports?year=2026";
        WebDriver browser = Chromium.open(profile);
        try {
            browser.get(page);

            assertThat(browser.getCurrentUrl()).isEqualTo(page);
        } finally {
            browser.quit();
        }
        assertThat(app.received()).isNotEmpty();
        var received = app.received().get(app.received().size() - 1);
        assertThat(received.uri()).isEqualTo("/app/reports?year=2026");
        assertThat(received.all("X-Forwarded-User")).containsExactly("alice");
        List<JsonNode> decisions = gateway.auditRecords().stream()
                .filter(r -> "app".equals(r.path("route").asText())).toList();
        assertThat(decisions).anySatisfy(r -> {
            assertThat(r.get("reason").asText()).isEqualTo("login-required");
            assertThat(r.get("path").asText()).isEqualTo("/app/reports");
        });
        assertThat(decisions.get(decisions.size() - 1).get("decision").asText()).isEqualTo("allow");
        assertThat(decisions.get(decisions.size() - 1).get("subject").asText()).isEqualTo("alice");
    }

    @Test
    void aPostIsDecidedOnItsMethodAndReachesTheAppWithItsBody() {
        var response = RawHttp.exchange(front.port(), "POST /app/orders HTTP/1.1\r\nHost: apps.example.com\r\n"
                + "Authorization: Bearer " + alice + "\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
                + "Connection: close\r\n\r\nhello");

        assertThat(response.status()).isEqualTo(200);
        assertThat(app.received()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.all("Content-Length")).containsExactly("5");
        });
        JsonNode record = lastDecision();
        assertThat(record.get("method").asText()).isEqualTo("POST");
        assertThat(record.get("path").asText()).isEqualTo("/app/orders");
    }

    @Test
    void bobIsRefusedAndTheAppNeverSeesHim() {
        var response = get("/app/reports", "Authorization: Bearer " + bob + "\r\n");

        assertThat(response.status()).isEqualTo(403);
        assertThat(app.received()).isEmpty();
        JsonNode record = lastDecision();
        assertThat(record.get("reason").asText()).isEqualTo("group-missing");
        assertThat(record.get("subject").asText()).isEqualTo("bob");
    }

    @Test
    void noTokenIsUnauthorized() {
        var response = get("/app/reports", "");

        assertThat(response.status()).isEqualTo(401);
        assertThat(app.received()).isEmpty();
        assertThat(lastDecision().get("reason").asText()).isEqualTo("token-missing");
    }

    @Test
    void identityHeadersAClientSentAreReplacedOrRemoved() {
        String spoofed = "X-Forwarded-User: mallory\r\nX-Forwarded-Groups: admin\r\nX-Drawbridge-Assertion: forged\r\n"
                + "X-Forwarded-Email: mallory@example.com\r\n";
        var asAlice = get("/app/", spoofed + "Authorization: Bearer " + alice + "\r\n");
        var anonymous = get("/public/", spoofed);

        assertThat(asAlice.status()).isEqualTo(200);
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(app.received()).hasSize(2);
        var alices = app.received().get(0);
        assertThat(alices.all("X-Forwarded-User")).containsExactly("alice");
        assertThat(alices.all("X-Forwarded-Groups")).containsExactly("sre");
        assertThat(alices.all("X-Drawbridge-Assertion")).doesNotContain("forged");
        assertThat(alices.all("X-Forwarded-Email")).doesNotContain("mallory@example.com");
        var anonymous2 = app.received().get(1);
        assertThat(anonymous2.all("X-Forwarded-User")).isEmpty();
        assertThat(anonymous2.all("X-Forwarded-Groups")).isEmpty();
        assertThat(anonymous2.all("X-Drawbridge-Assertion")).isEmpty();
        assertThat(anonymous2.all("X-Forwarded-Email")).isEmpty();
    }

    @Test
    void aClientsOwnXForwardedUriIsOverwrittenByTheFront() {
        var response = get("/app/reports", "X-Forwarded-Uri: /public/\r\nX-Original-URI: /public/\r\n"
                + "X-Forwarded-Method: OPTIONS\r\n");

        assertThat(response.status()).isEqualTo(401);
        assertThat(app.received()).isEmpty();
        assertThat(lastDecision().get("path").asText()).isEqualTo("/app/reports");
    }

    /** Through the front, the decision endpoint is asked about itself, never answered for the client. */
    @Test
    void aClientAskingTheDecisionEndpointThroughTheFrontGetsNoDecision() {
        var response = get(authPath(), "X-Forwarded-Uri: /app/reports\r\nX-Original-URI: /app/reports\r\n"
                + "Authorization: Bearer " + alice + "\r\n");

        assertThat(response.status()).isNotEqualTo(200);
        assertThat(response.header("X-Forwarded-User")).isNull();
        assertThat(response.header("X-Drawbridge-Assertion")).isNull();
        assertThat(app.received()).isEmpty();
    }

    @Test
    void aClientAskingDrawbridgeDirectlyIsRefused() throws IOException {
        RawHttp.Response response;
        try (var socket = new Socket()) {
            socket.bind(new InetSocketAddress("127.0.0.2", 0));
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
            response = new RawHttp(socket).send("GET " + authPath() + " HTTP/1.1\r\nHost: apps.example.com\r\n"
                    + "X-Forwarded-Uri: /app/reports\r\nAuthorization: Bearer " + alice + "\r\n"
                    + "Connection: close\r\n\r\n").read();
        }

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.header("X-Forwarded-User")).isNull();
        JsonNode record = gateway.audit(response.header("X-Request-Id"));
        assertThat(record.get("reason").asText()).isEqualTo("untrusted-front");
    }

    /** The front routes on its own reading of the path; Drawbridge decides on the path the application resolves. */
    @ParameterizedTest
    @ValueSource(strings = {"/public/../app/reports", "/public/%2e%2e/app/reports", "/public/./../app/reports"})
    void decidesOnThePathTheAppResolvesNotTheFirstSegment(String path) {
        var response = get(path, "");

        assertThat(response.status()).isEqualTo(401);
        assertThat(app.received()).isEmpty();
        assertThat(lastDecision().get("route").asText()).isEqualTo("app");
    }

    /** What Drawbridge refuses to normalize (an encoded slash) is refused through the front too: never passed on. */
    @ParameterizedTest
    @ValueSource(strings = {"/public/..%2Fapp/reports", "/public/%252e%252e/app/reports"})
    void refusesWhatTheEdgeRefuses(String path) {
        var response = get(path, "Authorization: Bearer " + bob + "\r\n");

        assertThat(response.status()).isEqualTo(refusedStatus());
        assertThat(app.received()).isEmpty();
    }
}
