package io.drawbridge.authn.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.dev.EchoUpstream;
import io.drawbridge.testing.CookieClient;
import io.drawbridge.testing.GatewayFixture;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Browser sign-in end to end in one JVM: the gateway, an in-process OIDC server (mock-oauth2-server: code flow
 * with PKCE, no login page) and the echo upstream. A {@link CookieClient} plays the browser.
 */
class BrowserLoginIT {

    static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    static final String CALLBACK_HOST = "http://gateway.test";
    static final ObjectMapper JSON = new ObjectMapper();

    static MockOAuth2Server idp;
    /** Set by a test: the next refresh-token grant is refused as the IdP refuses one for an ended session. */
    static final AtomicBoolean refuseNextRefresh = new AtomicBoolean();
    static EchoUpstream echo;
    static GatewayFixture gateway;
    static GatewayFixture refreshing;
    static GatewayFixture keyed;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        idp = new MockOAuth2Server(new RefusingRefresh());
        idp.start();
        // The mock makes an issuer's keys on its first request, slowly on a busy machine: make them now, so the
        // gateway's first key fetch is quick (a failed one would hold the next back by keyRefreshRate).
        var http = java.net.http.HttpClient.newHttpClient();
        for (String issuerId : List.of("corp", "refreshing", "keyed")) {
            http.send(HttpRequest.newBuilder(idp.jwksUrl(issuerId).uri()).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        echo = EchoUpstream.start();
        // Ready means the issuer's keys are fetched: a callback before that is 503 issuer-unavailable, which a
        // loaded machine made happen (the first tests failed in a full run at load average 17).
        gateway = GatewayFixture.start(dir.resolve("main"), config("corp", "60s"), routes(),
                Map.of("upstream.echo", echo.url())).awaitReady();
        // refreshBefore longer than the tokens live: every request refreshes
        refreshing = GatewayFixture.start(dir.resolve("refreshing"), config("refreshing", "10m"), routes(),
                Map.of("upstream.echo", echo.url())).awaitReady();
    }

    /** A gateway that authenticates to the token endpoint with a signed client assertion (private_key_jwt). */
    static GatewayFixture keyed(Path dir) throws Exception {
        Path key = java.nio.file.Files.createDirectories(dir.resolve("keyed")).resolve("client-key.jwk");
        java.nio.file.Files.writeString(key, new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("client-1")
                .generate().toJSONString());
        String config = config("keyed", "60s").replace("  clientSecret: ${DRAWBRIDGE_TEST_SECRET:-not-checked-by-the-mock}\n",
                "  clientAuth: private_key_jwt\n  clientKeyFile: " + key + "\n");
        return GatewayFixture.start(dir.resolve("keyed"), config, routes(), Map.of("upstream.echo", echo.url()))
                .awaitReady(); // its issuer's keys fetched: a callback before that is 503 issuer-unavailable
    }

    @AfterAll
    static void stop() {
        if (keyed != null) {
            keyed.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (refreshing != null) {
            refreshing.close();
        }
        echo.close();
        idp.shutdown();
    }

    /** Each gateway signs in with an issuer of its own on the mock (a path segment), so token queues stay apart. */
    static String config(String issuerId, String refreshBefore) {
        return """
                issuers:
                  - name: corp
                    issuer: %s
                    audiences: [drawbridge]
                policies:
                  sre-only:
                    allow:
                      - groups: [sre]
                login:
                  issuer: corp
                  clientId: drawbridge-gateway
                  clientSecret: ${DRAWBRIDGE_TEST_SECRET:-not-checked-by-the-mock}
                  redirectUri: %s/oauth2/callback
                  postLogoutRedirectUri: %s/bye
                  session:
                    keys: ["${DRAWBRIDGE_TEST_SESSION_KEY:-%s}"]
                    refreshBefore: %s
                """.formatted(idp.issuerUrl(issuerId), CALLBACK_HOST, CALLBACK_HOST, KEY, refreshBefore);
    }

    static Map<String, String> routes() {
        String browser = """
                - route:
                    id: %s
                    from:
                      uri: gateway:/%s
                      steps:
                        - to: drawbridge:authenticate?login=browser
                        - to: drawbridge:authorize?policy=sre-only
                        - to: drawbridge:proxy?upstream={{upstream.echo}}&stripPrefix=true
                """;
        String bearer = """
                - route:
                    id: api
                    from:
                      uri: gateway:/api
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=sre-only
                        - to: drawbridge:proxy?upstream={{upstream.echo}}&stripPrefix=true
                """;
        return Map.of("app.yaml", browser.formatted("app", "app"), "other.yaml", browser.formatted("other", "other"),
                "api.yaml", bearer, "portal.yaml", browser.formatted("portal", "portal")
                        .replace("login=browser", "login=browser&authorization=upstream"));
    }

    static void nextUser(String user, List<String> groups, long lifetimeSeconds) {
        nextUser("corp", user, groups, lifetimeSeconds);
    }

    static void nextUser(String issuerId, String user, List<String> groups, long lifetimeSeconds) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(issuerId, user + "-id", "JWT", List.of("drawbridge"),
                Map.of("preferred_username", user, "email", user + "@example.com", "groups", groups),
                lifetimeSeconds));
    }

    /** The gateway-relative part of a URL that names the configured (unreachable) callback host. */
    static String onGateway(GatewayFixture fixture, String location) {
        assertThat(location).startsWith(CALLBACK_HOST + "/");
        return fixture.url(location.substring(CALLBACK_HOST.length()));
    }

    static Map<String, String> query(String url) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = URI.create(url).getRawQuery();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    /** Signs in through the IdP starting from {@code path}; returns the callback's response. */
    static HttpResponse<String> signIn(GatewayFixture fixture, CookieClient browser, String path) {
        HttpResponse<String> toLogin = browser.get(fixture.url(path));
        assertThat(toLogin.statusCode()).isEqualTo(302);
        String authorize = toLogin.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> fromIdp = browser.getWithout(authorize);
        assertThat(fromIdp.statusCode()).isEqualTo(302);
        HttpResponse<String> callback = browser.get(onGateway(fixture, fromIdp.headers().firstValue("Location")
                .orElseThrow()));
        assertThat(callback.statusCode()).as(() -> fixture.audit(requestId(callback)).toString()).isEqualTo(303);
        return callback;
    }

    static JsonNode echoed(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void aBrowserSignsInAndReturnsToThePageItAskedFor() throws Exception {
        nextUser("alice", List.of("sre"), 3600);
        var browser = new CookieClient();

        HttpResponse<String> toLogin = browser.get(gateway.url("/app/reports?year=2026"));

        assertThat(toLogin.statusCode()).isEqualTo(302);
        Map<String, String> authorize = query(toLogin.headers().firstValue("Location").orElseThrow());
        assertThat(toLogin.headers().firstValue("Location").orElseThrow())
                .startsWith(idp.authorizationEndpointUrl("corp").toString());
        assertThat(authorize).containsEntry("response_type", "code").containsEntry("client_id", "drawbridge-gateway")
                .containsEntry("code_challenge_method", "S256").containsEntry("redirect_uri",
                        CALLBACK_HOST + "/oauth2/callback")
                .containsKeys("state", "nonce", "code_challenge");
        assertThat(toLogin.headers().allValues("Set-Cookie")).singleElement().asString()
                .contains("Path=/oauth2/callback", "HttpOnly", "SameSite=Lax", "Max-Age=600");
        assertThat(gateway.audit(requestId(toLogin)).path("reason").asText()).isEqualTo("login-required");

        HttpResponse<String> fromIdp = browser.getWithout(toLogin.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> callback = browser.get(onGateway(gateway, fromIdp.headers().firstValue("Location")
                .orElseThrow()));

        assertThat(callback.statusCode()).isEqualTo(303);
        assertThat(callback.headers().firstValue("Location")).contains("/app/reports?year=2026");
        assertThat(browser.cookies.keySet()).noneMatch(name -> name.contains("_login_"));
        assertThat(callback.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("drawbridge_session")
                && c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Path=/"));

        JsonNode seen = echoed(browser.get(gateway.url("/app/reports?year=2026")));
        assertThat(seen.path("path").asText()).isEqualTo("/reports");
        assertThat(seen.path("headers").path("X-Forwarded-User").get(0).asText()).isEqualTo("alice");
        assertThat(seen.path("headers").path("X-Forwarded-Groups").get(0).asText()).isEqualTo("sre");
        assertThat(seen.path("headers").has("X-Drawbridge-Assertion")).isTrue();
        assertThat(seen.path("headers").has("Cookie")).as("session cookies never reach the upstream").isFalse();
        assertThat(seen.path("headers").has("Authorization")).isFalse();
    }

    @Test
    void signsInWithAPrivateKeyJwtClientAssertion(@TempDir Path dir) throws Exception {
        keyed = keyed(dir);
        nextUser("keyed", "alice", List.of("sre"), 3600);
        var browser = new CookieClient();

        HttpResponse<String> callback = signIn(keyed, browser, "/app/");

        assertThat(callback.statusCode()).isEqualTo(303);
        var tokenRequests = new java.util.ArrayList<String>();
        while (true) { // every request the mock has seen so far, in order; it throws when there is no more
            okhttp3.mockwebserver.RecordedRequest r;
            try {
                r = idp.takeRequest(50, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (RuntimeException none) {
                break;
            }
            if (r == null) {
                break;
            }
            if (r.getPath().startsWith("/keyed/token")) {
                tokenRequests.add(r.getBody().readUtf8());
            }
        }
        assertThat(tokenRequests).singleElement().asString()
                .contains("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer")
                .contains("client_assertion=").doesNotContain("client_secret");
        assertThat(echoed(browser.get(keyed.url("/app/"))).path("headers").path("X-Forwarded-User").get(0).asText())
                .isEqualTo("alice");
    }

    @Test
    void aSecondRouteOpensWithoutSigningInAgain() throws Exception {
        nextUser("alice", List.of("sre"), 3600);
        var browser = new CookieClient();
        signIn(gateway, browser, "/app/");

        JsonNode other = echoed(browser.get(gateway.url("/other/x")));

        assertThat(other.path("headers").path("X-Forwarded-User").get(0).asText()).isEqualTo("alice");
    }

    @Test
    void anotherReplicaWithTheSameKeysServesTheSessionAndOneWithOtherKeysDoesNot(@TempDir Path dir)
            throws Exception {
        nextUser("alice", List.of("sre"), 3600);
        var browser = new CookieClient();
        signIn(gateway, browser, "/app/");
        String otherKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);

        // Sessions live in the cookie: a second gateway on the same configuration serves it, no sign-in, no store.
        try (var replica = GatewayFixture.start(dir.resolve("replica"), config("corp", "60s"), routes(),
                Map.of("upstream.echo", echo.url())).awaitReady();
             var stranger = GatewayFixture.start(dir.resolve("stranger"), config("corp", "60s").replace(KEY, otherKey),
                     routes(), Map.of("upstream.echo", echo.url())).awaitReady()) {
            JsonNode seen = echoed(browser.get(replica.url("/other/x")));
            assertThat(seen.path("headers").path("X-Forwarded-User").get(0).asText()).isEqualTo("alice");

            HttpResponse<String> refused = browser.get(stranger.url("/other/x"));
            assertThat(refused.statusCode()).isEqualTo(302); // a cookie it cannot open: sign in again
            assertThat(refused.headers().firstValue("Location").orElseThrow())
                    .startsWith(idp.authorizationEndpointUrl("corp").toString());
        }
    }

    @Test
    void theUpstreamKeepsItsOwnCookiesButNeverTheGatewaysOnes() throws Exception {
        nextUser("alice", List.of("sre"), 3600);
        var browser = new CookieClient();
        signIn(gateway, browser, "/app/");
        browser.cookies.put("app_pref", "dark");

        JsonNode seen = echoed(browser.get(gateway.url("/app/")));

        assertThat(seen.path("headers").path("Cookie").get(0).asText()).isEqualTo("app_pref=dark");
    }

    @Test
    void apiClientsStillGet401() {
        var browser = new CookieClient();

        var json = browser.send(HttpRequest.newBuilder(URI.create(gateway.url("/app/"))).header("Accept",
                "application/json"));
        var badBearer = browser.send(HttpRequest.newBuilder(URI.create(gateway.url("/app/")))
                .header("Accept", "text/html").header("Authorization", "Bearer not-a-token"));
        var post = browser.send(HttpRequest.newBuilder(URI.create(gateway.url("/app/")))
                .header("Accept", "text/html").POST(HttpRequest.BodyPublishers.ofString("x")));

        assertThat(json.statusCode()).isEqualTo(401);
        assertThat(json.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
        assertThat(badBearer.statusCode()).isEqualTo(401);
        assertThat(post.statusCode()).isEqualTo(401);
    }

    @Test
    void aBearerOnlyRouteNeverRedirects() {
        var browser = new CookieClient();

        assertThat(browser.get(gateway.url("/api/")).statusCode()).isEqualTo(401);
    }

    @Test
    void aSessionIsNoBearerTokenOnABearerOnlyRoute() {
        nextUser("alice", List.of("sre"), 3600);
        var browser = new CookieClient();
        signIn(gateway, browser, "/app/");

        assertThat(browser.get(gateway.url("/api/")).statusCode()).isEqualTo(401);
    }

    /** Shaped like the token Backstage's frontend sends: a JWT of Backstage's own, which no issuer here trusts. */
    static final String APP_TOKEN = "Bearer eyJ0eXAiOiJ2bmQuYmFja3N0YWdlLnVzZXIiLCJhbGciOiJFUzI1NiJ9"
            + ".eyJzdWIiOiJ1c2VyOmRlZmF1bHQvYWxpY2UifQ.c2lnbmF0dXJl";

    @Test
    void onAnAuthorizationUpstreamRouteTheAppsOwnTokenPassesUntouchedAndTheSessionSaysWhoCalls() throws Exception {
        nextUser("alice", List.of("sre"), 3600);
        var browser = new CookieClient();
        signIn(gateway, browser, "/portal/");

        var call = browser.send(HttpRequest.newBuilder(URI.create(gateway.url("/portal/api/catalog/entities")))
                .header("Accept", "application/json").header("Authorization", APP_TOKEN));

        JsonNode seen = echoed(call);
        assertThat(seen.path("headers").path("Authorization").toString()).isEqualTo("[\"" + APP_TOKEN + "\"]");
        assertThat(seen.path("headers").path("X-Forwarded-User").get(0).asText()).isEqualTo("alice");
        assertThat(gateway.audit(requestId(call)).path("subject").asText()).isEqualTo("alice");

        // The same token on an ordinary browser route is read as a bearer token, and no issuer knows it.
        var elsewhere = browser.send(HttpRequest.newBuilder(URI.create(gateway.url("/app/api/catalog/entities")))
                .header("Accept", "application/json").header("Authorization", APP_TOKEN));
        assertThat(elsewhere.statusCode()).isEqualTo(401);
    }

    @Test
    void onAnAuthorizationUpstreamRouteOnlyTheSessionAuthenticatesNeverTheHeader() {
        String valid = "Bearer " + idp.issueToken("corp", "drawbridge-cli", new DefaultOAuth2TokenCallback("corp",
                "alice-id", "JWT", List.of("drawbridge"), Map.of("preferred_username", "alice", "groups",
                List.of("sre")), 300)).serialize();
        var browser = new CookieClient();

        var api = browser.send(HttpRequest.newBuilder(URI.create(gateway.url("/api/x"))).header("Authorization", valid));
        var portal = browser.send(HttpRequest.newBuilder(URI.create(gateway.url("/portal/x")))
                .header("Accept", "application/json").header("Authorization", valid));
        var page = browser.send(HttpRequest.newBuilder(URI.create(gateway.url("/portal/x")))
                .header("Accept", "text/html").header("Authorization", APP_TOKEN));

        assertThat(api.statusCode()).as("the token itself is valid").isEqualTo(200);
        assertThat(portal.statusCode()).isEqualTo(401);
        assertThat(gateway.audit(requestId(portal)).path("reason").asText()).isEqualTo("token-missing");
        assertThat(page.statusCode()).as("a page load without a session signs in").isEqualTo(302);
    }

    @Test
    void authorizationUpstreamWithoutBrowserLoginIsRefusedAtStart(@TempDir Path dir) {
        String route = """
                - route:
                    id: lost
                    from:
                      uri: gateway:/lost
                      steps:
                        - to: drawbridge:authenticate?authorization=upstream
                        - to: drawbridge:authorize?policy=sre-only
                        - to: drawbridge:proxy?upstream={{upstream.echo}}
                """;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayFixture.start(dir, config("corp", "60s"),
                        Map.of("lost.yaml", route), Map.of("upstream.echo", echo.url())).close())
                .hasMessageContaining("authorization=upstream needs login=browser");
    }

    @Test
    void aTamperedSessionCookieMeansSigningInAgain() {
        nextUser("alice", List.of("sre"), 3600);
        var browser = new CookieClient();
        signIn(gateway, browser, "/app/");
        String name = browser.cookies.containsKey("drawbridge_session") ? "drawbridge_session" : "drawbridge_session_0";
        String value = browser.cookies.get(name);
        int i = value.length() / 2;
        browser.cookies.put(name, value.substring(0, i) + (value.charAt(i) == 'A' ? 'B' : 'A') + value.substring(i + 1));

        HttpResponse<String> response = browser.get(gateway.url("/app/"));

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith(name + "=;")
                && c.contains("Max-Age=0"));
        assertThat(gateway.audit(requestId(response)).path("detail").asText()).contains("session-invalid");
    }

    @Test
    void aReplayedStateIsRefused() {
        nextUser("alice", List.of("sre"), 3600);
        var browser = new CookieClient();
        HttpResponse<String> toLogin = browser.get(gateway.url("/app/"));
        Map<String, String> loginCookies = new LinkedHashMap<>(browser.cookies);
        HttpResponse<String> fromIdp = browser.getWithout(toLogin.headers().firstValue("Location").orElseThrow());
        String callback = onGateway(gateway, fromIdp.headers().firstValue("Location").orElseThrow());
        assertThat(browser.get(callback).statusCode()).isEqualTo(303);

        var attacker = new CookieClient();
        attacker.cookies.putAll(loginCookies); // even with the login cookie stolen as well
        HttpResponse<String> replay = attacker.get(callback);

        assertThat(replay.statusCode()).as("sent to sign in again, as itself").isEqualTo(302);
        assertThat(replay.headers().firstValue("Location").orElseThrow())
                .startsWith(idp.authorizationEndpointUrl("corp").toString());
        assertThat(gateway.audit(requestId(replay)).path("reason").asText()).isEqualTo("login-failed");
        assertThat(gateway.audit(requestId(replay)).path("detail").asText()).contains("state already used");
        assertThat(attacker.cookies).doesNotContainKey("drawbridge_session");
    }

    @Test
    void aCallbackWithoutItsLoginCookieIsRefused() {
        var browser = new CookieClient();
        HttpResponse<String> toLogin = browser.get(gateway.url("/app/"));
        HttpResponse<String> fromIdp = browser.getWithout(toLogin.headers().firstValue("Location").orElseThrow());
        var victim = new CookieClient(); // login CSRF: someone else's callback URL in another browser

        String callback = onGateway(gateway, fromIdp.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> api = victim.send(HttpRequest.newBuilder(URI.create(callback))
                .header("Accept", "application/json"));
        HttpResponse<String> response = victim.get(callback);

        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(response.statusCode()).as("a page load signs in afresh, as the victim").isEqualTo(302);
        assertThat(response.headers().firstValue("Location").orElseThrow())
                .startsWith(idp.authorizationEndpointUrl("corp").toString());
        assertThat(victim.cookies).doesNotContainKey("drawbridge_session");
    }

    @Test
    void anIdTokenWithAnotherNonceIsRefused() {
        assertThat(toProblemPage(signInWithNonce("another-nonce-than-the-gateways"))).isTrue();
    }

    @Test
    void anIdTokenWithoutNonceIsRefused() {
        assertThat(toProblemPage(signInWithNonce(null))).isTrue();
    }

    /** A person whose sign-in failed for good is sent to a page that says so, not left on a JSON error. */
    static boolean toProblemPage(HttpResponse<String> response) {
        return response.statusCode() == 303 && response.headers().firstValue("Location").orElseThrow()
                .equals("/oauth2/callback?problem=sign-in");
    }

    private HttpResponse<String> signInWithNonce(String nonce) {
        nextUser("alice", List.of("sre"), 3600);
        var browser = new CookieClient();
        String authorize = browser.get(gateway.url("/app/")).headers().firstValue("Location").orElseThrow();
        String original = query(authorize).get("nonce");
        String changed = authorize.replace("nonce=" + original, nonce == null ? "x_nonce=1" : "nonce=" + nonce);
        assertThat(changed).isNotEqualTo(authorize);
        HttpResponse<String> fromIdp = browser.getWithout(changed);
        HttpResponse<String> response = browser.get(onGateway(gateway,
                fromIdp.headers().firstValue("Location").orElseThrow()));
        assertThat(gateway.audit(requestId(response)).path("reason").asText()).isEqualTo("login-failed");
        assertThat(browser.cookies).doesNotContainKey("drawbridge_session");
        return response;
    }

    @Test
    void theIssuersErrorEndsTheSignIn() {
        var browser = new CookieClient();
        String authorize = browser.get(gateway.url("/app/")).headers().firstValue("Location").orElseThrow();
        String state = query(authorize).get("state");

        HttpResponse<String> response = browser.get(gateway.url("/oauth2/callback?error=access_denied&state="
                + state));

        assertThat(toProblemPage(response)).isTrue();
        assertThat(browser.cookies).isEmpty();
        HttpResponse<String> page = browser.get(gateway.url("/oauth2/callback?problem=sign-in"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("The sign-in could not be completed", "localhost");
    }

    @Test
    void aCallbackReplayedWhileSignedInGoesOnInsteadOfFailing() {
        nextUser("alice", List.of("sre"), 3600);
        var browser = new CookieClient();
        HttpResponse<String> toLogin = browser.get(gateway.url("/app/reports"));
        HttpResponse<String> fromIdp = browser.getWithout(toLogin.headers().firstValue("Location").orElseThrow());
        String callback = onGateway(gateway, fromIdp.headers().firstValue("Location").orElseThrow());
        assertThat(browser.get(callback).statusCode()).isEqualTo(303);
        String session = browser.cookies.get("drawbridge_session");

        HttpResponse<String> again = browser.get(callback); // the back button, a bookmark, a reload

        assertThat(again.statusCode()).isEqualTo(303);
        assertThat(again.headers().firstValue("Location")).contains("/");
        assertThat(browser.cookies.get("drawbridge_session")).as("still signed in").isEqualTo(session);
        assertThat(gateway.audit(requestId(again)).path("detail").asText()).startsWith("already signed in");
    }

    @Test
    void aSignInThatCameBackWithoutItsCookieStartsAgainOnceThenSaysWhy() {
        nextUser("alice", List.of("sre"), 3600);
        var browser = new CookieClient();
        HttpResponse<String> toLogin = browser.get(gateway.url("/app/"));
        HttpResponse<String> fromIdp = browser.getWithout(toLogin.headers().firstValue("Location").orElseThrow());
        browser.cookies.keySet().removeIf(name -> name.contains("_login_")); // begun as localhost, back at 127.0.0.1

        HttpResponse<String> restart = browser.get(onGateway(gateway, fromIdp.headers().firstValue("Location")
                .orElseThrow()));
        assertThat(restart.statusCode()).isEqualTo(302);
        assertThat(browser.cookies).containsKey("drawbridge_session_retry")
                .anySatisfy((name, value) -> assertThat(name).contains("_login_"));
        HttpResponse<String> secondTrip = browser.getWithout(restart.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> done = browser.get(onGateway(gateway, secondTrip.headers().firstValue("Location")
                .orElseThrow()));
        assertThat(done.statusCode()).as("signed in on the second trip").isEqualTo(303);
        assertThat(browser.cookies).containsKey("drawbridge_session").doesNotContainKey("drawbridge_session_retry");

        // A browser that loses the cookie every time is not sent round in circles: the second loss gets the page.
        // (No token is issued on the way, so none is queued at the mock IdP.)
        var losing = new CookieClient();
        String authorize = losing.get(gateway.url("/app/")).headers().firstValue("Location").orElseThrow();
        for (int trip = 0; trip < 2; trip++) {
            losing.cookies.keySet().removeIf(name -> name.contains("_login_"));
            HttpResponse<String> back = losing.get(onGateway(gateway, losing.getWithout(authorize).headers()
                    .firstValue("Location").orElseThrow()));
            if (trip == 0) {
                assertThat(back.statusCode()).isEqualTo(302);
                authorize = back.headers().firstValue("Location").orElseThrow();
            } else {
                assertThat(toProblemPage(back)).isTrue();
            }
        }
    }

    @Test
    void aSignInReturnsOnlyToAPathOnTheGateway() {
        for (String path : List.of("/app//evil.example/x", "/app/..//evil.example", "/app/%5Cevil.example",
                "/app/x?next=https://evil.example")) {
            var browser = new CookieClient();
            HttpResponse<String> first = browser.get(gateway.url(path));
            if (first.statusCode() != 302) {
                assertThat(first.statusCode()).as(path).isIn(400, 404); // refused outright, or not a route's path
                continue;
            }
            nextUser("alice", List.of("sre"), 3600);
            HttpResponse<String> fromIdp = browser.getWithout(first.headers().firstValue("Location").orElseThrow());
            HttpResponse<String> callback = browser.get(onGateway(gateway,
                    fromIdp.headers().firstValue("Location").orElseThrow()));
            String location = callback.headers().firstValue("Location").orElseThrow();
            assertThat(location).as(path).startsWith("/").doesNotStartWith("//").doesNotContain("\\")
                    .doesNotStartWith("/\\");
            assertThat(ReturnPath.check(location)).as(path).contains(location);
        }
    }

    @Test
    void groupsDecideForSessionsAsForTokens() {
        nextUser("bob", List.of("contractors"), 3600);
        var browser = new CookieClient();
        signIn(gateway, browser, "/app/");

        assertThat(browser.get(gateway.url("/app/")).statusCode()).isEqualTo(403);
    }

    @Test
    void logoutNeedsASameOriginPost() {
        nextUser("alice", List.of("sre"), 3600);
        var browser = new CookieClient();
        signIn(gateway, browser, "/app/");
        String logout = gateway.url("/oauth2/logout");

        var bare = browser.send(HttpRequest.newBuilder(URI.create(logout)).POST(HttpRequest.BodyPublishers.noBody()));
        var crossSite = browser.send(HttpRequest.newBuilder(URI.create(logout)).header("Sec-Fetch-Site", "cross-site")
                .header("Origin", gateway.url("")).POST(HttpRequest.BodyPublishers.noBody()));
        var otherOrigin = browser.send(HttpRequest.newBuilder(URI.create(logout)).header("Origin",
                "http://evil.example").POST(HttpRequest.BodyPublishers.noBody()));
        var get = browser.get(logout);

        assertThat(List.of(bare.statusCode(), crossSite.statusCode(), otherOrigin.statusCode()))
                .containsOnly(403);
        assertThat(gateway.audit(requestId(bare)).path("reason").asText()).isEqualTo("csrf-rejected");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).contains("<form method=\"post\">");
        assertThat(browser.get(gateway.url("/app/")).statusCode()).as("still signed in").isEqualTo(200);
    }

    @Test
    void logoutEndsTheSessionHereAndAtTheIssuer() {
        nextUser("alice", List.of("sre"), 3600);
        var browser = new CookieClient();
        signIn(gateway, browser, "/app/");
        assertThat(browser.get(gateway.url("/oauth2/logout")).body()).contains("id=\"sign-out\"");

        var response = browser.send(HttpRequest.newBuilder(URI.create(gateway.url("/oauth2/logout")))
                .header("Origin", gateway.url("")).POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(303);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(idp.endSessionEndpointUrl("corp").toString());
        assertThat(query(location)).containsKey("id_token_hint")
                .containsEntry("post_logout_redirect_uri", CALLBACK_HOST + "/bye");
        assertThat(browser.cookies).isEmpty();
        var landing = browser.get(gateway.url("/oauth2/logout")); // where a sign-out without its own URL lands
        assertThat(landing.statusCode()).isEqualTo(200);
        assertThat(landing.body()).contains("You are signed out").doesNotContain("sign-out\"");
        assertThat(browser.get(gateway.url("/app/")).statusCode()).isEqualTo(302);
        JsonNode audit = gateway.audit(requestId(response));
        assertThat(audit.path("subject").asText(null)).as("who signed out").isEqualTo("alice");
        assertThat(audit.path("issuer").asText(null)).isEqualTo("corp");
    }

    @Test
    void aWebSocketAndAnEventStreamEndWhenTheirSessionIsSignedOutHere(@TempDir Path dir) throws Exception {
        String live = """
                - route:
                    id: live
                    from:
                      uri: gateway:/live?websocket=true
                      steps:
                        - to: drawbridge:authenticate?login=browser
                        - to: drawbridge:authorize?policy=sre-only
                        - to: drawbridge:proxy?upstream={{upstream.test}}&stripPrefix=true
                """;
        try (var upstream = new io.drawbridge.testing.TestUpstream();
             var fixture = GatewayFixture.start(dir, config("corp", "60s"), Map.of("live.yaml", live),
                     Map.of("upstream.test", upstream.url())).awaitReady()) {
            nextUser("alice", List.of("sre"), 3600);
            var browser = new CookieClient();
            signIn(fixture, browser, "/live/");
            String cookie = String.join("; ", browser.cookies.entrySet().stream()
                    .map(c -> c.getKey() + "=" + c.getValue()).toList());

            var closed = new java.util.concurrent.CompletableFuture<String>();
            java.net.http.HttpClient.newHttpClient().newWebSocketBuilder().header("Cookie", cookie)
                    .buildAsync(URI.create("ws://127.0.0.1:" + fixture.port() + "/live/ws"),
                            new java.net.http.WebSocket.Listener() {
                                @Override
                                public java.util.concurrent.CompletionStage<?> onClose(
                                        java.net.http.WebSocket socket, int status, String reason) {
                                    closed.complete("closed");
                                    return null;
                                }

                                @Override
                                public void onError(java.net.http.WebSocket socket, Throwable error) {
                                    closed.complete("ended");
                                }
                            })
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            var events = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (var http = new io.drawbridge.testing.RawHttp(fixture.port())) {
                    http.send("GET /live/sse?events=120&ms=250 HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie
                            + "\r\nAccept: text/event-stream\r\n\r\n");
                    return http.read().text();
                } catch (java.io.UncheckedIOException e) {
                    return "cut";
                }
            });
            Thread.sleep(1500);
            assertThat(closed).as("open while the session is").isNotDone();
            assertThat(events).isNotDone();

            var logout = browser.send(HttpRequest.newBuilder(URI.create(fixture.url("/oauth2/logout")))
                    .header("Origin", fixture.url("")).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(logout.statusCode()).isEqualTo(303);

            assertThat(closed.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
            assertThat(events.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNotNull(); // not the 30 s stream
            long ends = fixture.auditRecords().stream()
                    .filter(r -> r.path("reason").asText().equals("session-expired")
                            && r.path("subject").asText().equals("alice")
                            && r.path("detail").asText().endsWith("ended: session signed out"))
                    .count();
            for (int i = 0; i < 100 && ends < 2; i++) {
                Thread.sleep(50);
                ends = fixture.auditRecords().stream().filter(r -> r.path("reason").asText()
                        .equals("session-expired") && r.path("detail").asText().endsWith("ended: session signed out"))
                        .count();
            }
            assertThat(ends).as("the WebSocket's end and the event stream's, each audited").isEqualTo(2);
        }
    }

    @Test
    void anAccessTokenAboutToExpireIsRefreshedDuringTheRequest() throws Exception {
        nextUser("refreshing", "alice", List.of("sre"), 120);
        var browser = new CookieClient();
        signIn(refreshing, browser, "/app/");
        String before = sessionCookie(browser);

        HttpResponse<String> response = browser.get(refreshing.url("/app/"));

        assertThat(echoed(response).path("headers").path("X-Forwarded-User").get(0).asText()).isEqualTo("alice");
        assertThat(response.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("drawbridge_session"));
        assertThat(sessionCookie(browser)).isNotEqualTo(before);
    }

    @Test
    void aRefusedRefreshEndsTheSession() throws Exception {
        nextUser("refreshing", "alice", List.of("sre"), 120);
        var browser = new CookieClient();
        signIn(refreshing, browser, "/app/");
        refuseNextRefresh.set(true);

        HttpResponse<String> response = browser.get(refreshing.url("/app/"));

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location").orElseThrow())
                .startsWith(idp.authorizationEndpointUrl("refreshing").toString());
        assertThat(browser.cookies.keySet()).noneMatch(n -> n.startsWith("drawbridge_session") && !n.contains("login"));
        assertThat(refreshing.audit(requestId(response)).path("detail").asText()).contains("session-expired");
    }

    static String sessionCookie(CookieClient browser) {
        StringBuilder all = new StringBuilder();
        browser.cookies.forEach((name, value) -> {
            if (name.startsWith("drawbridge_session") && !name.contains("_login_")) {
                all.append(value);
            }
        });
        return all.toString();
    }

    static String requestId(HttpResponse<String> response) {
        return response.headers().firstValue("X-Request-Id").orElseThrow();
    }

    /** An extra route of the mock IdP: refuses one refresh-token grant when asked to, as Keycloak does. */
    static final class RefusingRefresh implements Route {
        @Override
        public boolean match(OAuth2HttpRequest request) {
            return request.getMethod().equals("POST") && request.getUrl().encodedPath().endsWith("/token")
                    && request.getBody() != null && request.getBody().contains("grant_type=refresh_token")
                    && refuseNextRefresh.getAndSet(false);
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), 400,
                    "{\"error\":\"invalid_grant\",\"error_description\":\"Session not active\"}", null);
        }
    }
}
