package io.drawbridge.adversarial;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.drawbridge.authn.session.ReturnPath;
import io.drawbridge.authn.session.SessionKeys;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Browser sign-in attacked from every side: where the browser is sent afterwards, whose sign-in a callback
 * completes, which code and verifier it redeems, what a session cookie may be bent into, and who may sign a
 * browser out. The IdP is mock-oauth2-server in this JVM (the user is whoever its login form names); the gateway
 * is driven over raw sockets, so targets, cookies and headers go out exactly as written. Every case states the
 * status, that the upstream saw nothing it should not have, and the audit record of the decision.
 *
 * <p>Two gateways: {@code gateway} signs in on its own host only; {@code shared} has {@code cookieDomain:
 * example.com}, so a sign-in that starts on another host of that domain may return there, and nowhere else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginFlowAttacksIT {

    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String CALLBACK_HOST = "gateway.test";
    private static final String SHARED_CALLBACK_HOST = "login.example.com";
    private static final String CLIENT = "drawbridge-gateway";
    private static final String SESSION = "drawbridge_session";
    private static final String LOGIN_PURPOSE = "drawbridge-login";
    private static final String SESSION_PURPOSE = "drawbridge-session";

    private final TestUpstream upstream = new TestUpstream();
    private final SessionKeys keys = new SessionKeys(List.of(KEY));
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private MockOAuth2Server idp;
    private GatewayFixture gateway;
    private GatewayFixture shared;
    private Probe probe;
    private Probe sharedProbe;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        idp = new MockOAuth2Server();
        idp.start();
        for (String issuer : List.of("corp", "shared")) { // the mock makes an issuer's keys on first use: now
            http.send(HttpRequest.newBuilder(idp.jwksUrl(issuer).uri()).build(), HttpResponse.BodyHandlers.discarding());
        }
        gateway = GatewayFixture.start(dir.resolve("own"), config("corp", "http://" + CALLBACK_HOST, null), routes(),
                Map.of("upstream", upstream.url()));
        shared = GatewayFixture.start(dir.resolve("shared"), config("shared", "http://" + SHARED_CALLBACK_HOST,
                "example.com"), routes(), Map.of("upstream", upstream.url()));
        probe = new Probe(gateway, upstream);
        sharedProbe = new Probe(shared, upstream);
        awaitKeys(gateway);
        awaitKeys(shared);
    }

    /** The gateway fetches the issuer's keys at start-up; the cases assume that happened. */
    private static void awaitKeys(GatewayFixture fixture) throws InterruptedException {
        assertThat(Metrics.await(fixture, 1, 10_000, "drawbridge_jwks_fetches_total", "issuer=\"corp\"",
                "outcome=\"success\"")).isGreaterThanOrEqualTo(1);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (shared != null) {
            shared.close();
        }
        upstream.close();
        idp.shutdown();
    }

    /** The mock's default token callback gives access tokens the audience {@code default}: the issuer expects it. */
    private String config(String issuerId, String callbackOrigin, String cookieDomain) {
        return """
                issuers:
                  - name: corp
                    issuer: %s
                    audiences: [default]
                policies:
                  sre-only:
                    allow:
                      - groups: [sre]
                login:
                  issuer: corp
                  clientId: %s
                  clientSecret: ${DRAWBRIDGE_TEST_SECRET:-not-checked-by-the-mock}
                  redirectUri: %s/oauth2/callback
                  postLogoutRedirectUri: %s/bye
                  session:
                    keys: ["${DRAWBRIDGE_TEST_SESSION_KEY:-%s}"]
                %s""".formatted(idp.issuerUrl(issuerId), CLIENT, callbackOrigin, callbackOrigin, KEY,
                cookieDomain == null ? "" : "    cookieDomain: " + cookieDomain + "\n");
    }

    private static Map<String, String> routes() {
        String browser = """
                - route:
                    id: %s
                    from:
                      uri: gateway:%s
                      steps:
                        - to: drawbridge:authenticate?login=browser
                        - to: drawbridge:authorize?policy=sre-only
                        - to: "drawbridge:proxy?upstream={{upstream}}&stripPrefix=true"
                """;
        return Map.of("app.yaml", browser.formatted("app", "/app"), "root.yaml", browser.formatted("root", "/"));
    }

    // ---- a browser, over raw sockets -------------------------------------------------------------------------

    /** A cookie jar that keeps what the gateway sets (Max-Age=0 removes) and sends it all back. */
    static final class Browser {
        final Map<String, String> cookies = new LinkedHashMap<>();

        Browser() {
        }

        Browser(Map<String, String> cookies) {
            this.cookies.putAll(cookies);
        }

        String[] headers(String... more) {
            List<String> all = new ArrayList<>(List.of(more));
            if (!cookies.isEmpty()) {
                StringBuilder sb = new StringBuilder("Cookie: ");
                cookies.forEach((k, v) -> sb.append(k).append('=').append(v).append("; "));
                all.add(sb.substring(0, sb.length() - 2));
            }
            return all.toArray(String[]::new);
        }

        void keep(RawHttp.Response response) {
            for (String set : response.headers("Set-Cookie")) {
                String pair = set.split(";", 2)[0];
                int eq = pair.indexOf('=');
                if (set.contains("Max-Age=0")) {
                    cookies.remove(pair.substring(0, eq));
                } else {
                    cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }

        String loginCookieName() {
            return cookies.keySet().stream().filter(n -> n.contains("_login_")).findFirst().orElseThrow();
        }

        String session() {
            StringBuilder all = new StringBuilder();
            cookies.forEach((name, value) -> {
                if (name.startsWith(SESSION) && !name.contains("_login_")) {
                    all.append(value);
                }
            });
            return all.toString();
        }

        boolean signedIn() {
            return !session().isEmpty();
        }
    }

    /** A sign-in under way: the redirect to the IdP, its parameters, and the browser holding the login cookie. */
    record Attempt(Probe.Outcome toLogin, String authorizeUrl, Map<String, String> params, Browser browser) {
        String state() {
            return params.get("state");
        }
    }

    /** A page load: {@code Accept: text/html}, the browser's cookies, and any extra header lines. */
    private Probe.Outcome open(Probe on, Browser browser, String target, String... headers) {
        List<String> lines = new ArrayList<>(List.of("Accept: text/html"));
        lines.addAll(List.of(headers));
        Probe.Outcome outcome = on.get(target, browser.headers(lines.toArray(String[]::new)));
        browser.keep(outcome.response());
        return outcome;
    }

    private Attempt begin(Probe on, Browser browser, String target, String... headers) {
        Probe.Outcome toLogin = open(on, browser, target, headers);
        assertThat(toLogin.status()).as(target).isEqualTo(302);
        assertThat(toLogin.upstreamSaw()).isEmpty();
        assertThat(toLogin.audit().path("reason").asText()).isEqualTo("login-required");
        assertThat(toLogin.audit().path("status").asInt()).isEqualTo(302);
        String authorize = toLogin.response().header("Location");
        return new Attempt(toLogin, authorize, query(authorize), browser);
    }

    private Attempt begin(Browser browser) {
        return begin(probe, browser, "/app/");
    }

    /** Signs {@code user} in at the IdP's login form; returns the callback target (path and query) it sends back. */
    private String atIdp(String authorizeUrl, String user) {
        String claims = "{\"preferred_username\":\"" + user + "\",\"email\":\"" + user + "@example.com\","
                + "\"groups\":[\"sre\"]}";
        String form = "username=" + enc(user) + "&claims=" + enc(claims);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(authorizeUrl))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
            URI back = URI.create(response.headers().firstValue("Location").orElseThrow());
            assertThat(back.getPath()).isEqualTo("/oauth2/callback");
            return back.getRawPath() + "?" + back.getRawQuery();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Probe.Outcome callback(Probe on, Browser browser, String target, String... headers) {
        Probe.Outcome outcome = on.get(target, browser.headers(headers));
        browser.keep(outcome.response());
        return outcome;
    }

    private Probe.Outcome callback(Browser browser, String target) {
        return callback(probe, browser, target, "Host: " + CALLBACK_HOST);
    }

    /** A full sign-in on {@code gateway}: the browser ends up with a session for {@code user}. */
    private Browser signedIn(String user) {
        Browser browser = new Browser();
        Attempt attempt = begin(browser);
        Probe.Outcome done = callback(browser, atIdp(attempt.authorizeUrl(), user));
        assertThat(done.status()).as(done.audit().toString()).isEqualTo(303);
        assertThat(browser.signedIn()).isTrue();
        return browser;
    }

    /** A request with the browser's session that is not a page load: a refusal is a precise 401, not a redirect. */
    private Probe.Outcome fetch(Browser browser) {
        return probe.get("/app/x", browser.headers("Accept: application/json"));
    }

    private void assertServes(Browser browser, String user) {
        var seen = probe.get("/app/x", browser.headers("Accept: application/json")).forwarded(200);
        assertThat(seen.all("X-Forwarded-User")).containsExactly(user);
        assertThat(seen.all("Cookie")).as("no gateway cookie upstream").noneMatch(c -> c.contains(SESSION));
    }

    /**
     * A failed callback: 401, login-failed for nobody, nothing upstream, no session cookie set, the login cookie
     * removed; returns the audit record's detail (which check caught it).
     */
    private static String refusedCallback(Probe.Outcome outcome, Browser browser) {
        outcome.refused(401, "login-failed");
        assertThat(outcome.audit().path("subject").isNull()).as("audit subject").isTrue();
        assertThat(outcome.response().headers("Set-Cookie")).noneMatch(c -> c.startsWith(SESSION + "=")
                || c.startsWith(SESSION + "_0=")).allMatch(c -> c.contains("Max-Age=0"));
        assertThat(browser.signedIn()).isFalse();
        return outcome.audit().path("detail").asText();
    }

    private static Map<String, String> query(String url) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Opens a sealed login cookie (the test shares the gateway's key), changes it and seals it again. */
    private String resealLogin(String sealed, UnaryOperator<JWTClaimsSet.Builder> change) {
        JWTClaimsSet claims = keys.open(LOGIN_PURPOSE, sealed).orElseThrow();
        return keys.seal(LOGIN_PURPOSE, change.apply(new JWTClaimsSet.Builder(claims)).build());
    }

    private String resealSession(String sealed, UnaryOperator<JWTClaimsSet.Builder> change) {
        JWTClaimsSet claims = keys.open(SESSION_PURPOSE, sealed).orElseThrow();
        return keys.seal(SESSION_PURPOSE, change.apply(new JWTClaimsSet.Builder(claims)).build());
    }

    // ---- the authorization request: PKCE S256, always ---------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/app/", "/app/reports?year=2026", "/", "/other/page", "/app/x?code_challenge_method=plain",
        "/app/x?code_challenge_method=plain&code_challenge=abc&state=mine&nonce=mine&redirect_uri=http://evil.example/"})
    void everyAuthorizationRequestCarriesAFreshS256ChallengeOfTheSealedVerifier(String target) {
        var browser = new Browser();
        Attempt attempt = begin(probe, browser, target);

        Map<String, String> params = attempt.params();
        assertThat(attempt.authorizeUrl()).startsWith(idp.authorizationEndpointUrl("corp").toString())
                .doesNotContainIgnoringCase("plain").doesNotContain("evil.example");
        assertThat(params).containsEntry("code_challenge_method", "S256").containsEntry("response_type", "code")
                .containsEntry("client_id", CLIENT)
                .containsEntry("redirect_uri", "http://" + CALLBACK_HOST + "/oauth2/callback");
        assertThat(params.get("state")).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo("mine");
        assertThat(params.get("nonce")).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo("mine");
        String loginCookie = browser.cookies.get(browser.loginCookieName());
        JWTClaimsSet sealed = keys.open(LOGIN_PURPOSE, loginCookie).orElseThrow();
        String verifier = (String) sealed.getClaim("pkce");
        assertThat(verifier).hasSizeGreaterThanOrEqualTo(43);
        assertThat(params.get("code_challenge")).isEqualTo(
                CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(verifier)).getValue())
                .isNotEqualTo(verifier);
        assertThat(attempt.toLogin().response().headers("Set-Cookie")).singleElement().asString()
                .contains("Path=/oauth2/callback", "HttpOnly", "SameSite=Lax", "Max-Age=600");
        assertThat(attempt.toLogin().audit().path("reason").asText()).isEqualTo("login-required");
        assertThat(attempt.toLogin().audit().path("status").asInt()).isEqualTo(302);
    }

    @Test
    void noTwoSignInsShareAStateANonceOrAVerifier() {
        var seen = new java.util.HashSet<String>();
        for (int i = 0; i < 20; i++) {
            var browser = new Browser();
            Attempt attempt = begin(browser);
            JWTClaimsSet sealed = keys.open(LOGIN_PURPOSE, browser.cookies.get(browser.loginCookieName())).orElseThrow();
            assertThat(seen.add("s" + attempt.state())).isTrue();
            assertThat(seen.add("n" + attempt.params().get("nonce"))).isTrue();
            assertThat(seen.add("v" + sealed.getClaim("pkce"))).isTrue();
        }
    }

    static Stream<Arguments> editedVerifiers() {
        return Stream.of(
                Arguments.of("verifier removed", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("pkce", null)),
                Arguments.of("verifier empty", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("pkce", "")),
                Arguments.of("another valid verifier", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("pkce",
                        new CodeVerifier().getValue())),
                Arguments.of("verifier with one character changed", (UnaryOperator<JWTClaimsSet.Builder>) b -> {
                    String v = (String) b.build().getClaim("pkce");
                    return b.claim("pkce", (v.charAt(0) == 'A' ? 'B' : 'A') + v.substring(1));
                }),
                Arguments.of("verifier too short", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("pkce", "short")),
                Arguments.of("verifier not a string", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("pkce", 42)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("editedVerifiers")
    void aLoginCookieWhoseVerifierWasEditedNeverSignsIn(String name, UnaryOperator<JWTClaimsSet.Builder> edit) {
        var browser = new Browser();
        Attempt attempt = begin(browser);
        String cookie = browser.loginCookieName();
        browser.cookies.put(cookie, resealLogin(browser.cookies.get(cookie), edit));

        refusedCallback(callback(browser, atIdp(attempt.authorizeUrl(), "mallory")), browser);
    }

    @Test
    void thePlainChallengeDowngradeFails() {
        // An attacker who sees the challenge and swaps plain in for S256 at the IdP: the gateway still redeems
        // with its verifier, which is no plain match for the challenge; nor does sending the challenge help.
        var browser = new Browser();
        Attempt attempt = begin(browser);
        String challenge = attempt.params().get("code_challenge");
        String plain = attempt.authorizeUrl().replace("code_challenge_method=S256", "code_challenge_method=plain");
        assertThat(plain).isNotEqualTo(attempt.authorizeUrl());
        String cookie = browser.loginCookieName();
        var verifierIsChallenge = new Browser(browser.cookies);
        verifierIsChallenge.cookies.put(cookie, resealLogin(browser.cookies.get(cookie), b -> b.claim("pkce", challenge)));

        refusedCallback(callback(browser, atIdp(plain, "mallory")), browser);
        refusedCallback(callback(verifierIsChallenge, atIdp(attempt.authorizeUrl(), "mallory")), verifierIsChallenge);
    }

    // ---- open redirects: the return target on the way in ---------------------------------------------------

    static Stream<String> returnTargetsOnTheWayIn() {
        return Stream.of("/app//evil.example", "//evil.example", "//evil.example/app", "///evil.example",
                "/app/..//evil.example", "/.//evil.example", "/%2f%2fevil.example", "/%2F%2Fevil.example",
                "/app/%2f%2fevil.example", "/%2f/evil.example", "/%5cevil.example", "/%5C%5Cevil.example",
                "/app/%5cevil", "/%252f%252fevil.example", "/%25252f%25252fevil.example", "/%255cevil.example",
                "/%09/evil.example", "/%0d%0a/evil.example", "/app%0d%0aLocation:%20https://evil.example",
                "/%0aSet-Cookie:%20drawbridge_session=x", "/app/x?next=https://evil.example",
                "/app/x?%0d%0aLocation:%20https://evil.example", "/app/x?next=//evil.example&r=%5c%5cevil",
                "/app/x?u=%09//evil.example", "http://evil.example/app/x", "https://evil.example//evil.example",
                "http://127.0.0.1@evil.example/app", "/app/x@evil.example", "/@evil.example", "/evil.example",
                "/app/%E2%81%84%E2%81%84evil.example", "/%EF%BC%8F%EF%BC%8Fevil.example", "/%E2%88%95evil.example",
                "/%C0%AF%C0%AFevil.example", "/%E3%80%82evil.example", "/javascript:alert(1)",
                "/app/javascript:alert(document.cookie)", "/javascript%3aalert(1)", "/data:text/html,x",
                "/app/" + "a".repeat(3000), "/app/x?" + "q".repeat(2100), "/" + "%25".repeat(20) + "2f");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("returnTargetsOnTheWayIn")
    void aSignInReturnsOnlyToAPathOnTheGateway(String target) {
        var browser = new Browser();
        Probe.Outcome first = open(probe, browser, target);
        if (first.status() != 302) { // refused by the edge before any sign-in
            first.refused(first.status(), null);
            assertThat(first.status()).as(target).isIn(400, 404, 414, 431);
            return;
        }
        int upstreamBefore = probe.upstreamCount();
        String authorize = first.response().header("Location");
        assertThat(authorize).startsWith(idp.authorizationEndpointUrl("corp").toString());

        Probe.Outcome back = callback(browser, atIdp(authorize, "alice"));

        assertThat(back.status()).as(back.audit().toString()).isEqualTo(303);
        String location = back.response().header("Location");
        assertThat(location).as(target).startsWith("/").doesNotStartWith("//").doesNotStartWith("/\\")
                .doesNotContain("\\").doesNotContainPattern("[\\x00-\\x20\\x7f-\\uffff]");
        assertThat(ReturnPath.check(location)).as(target).contains(location);
        assertThat(URI.create("http://" + CALLBACK_HOST + "/").resolve(location).getHost()).isEqualTo(CALLBACK_HOST);
        assertThat(back.audit().path("decision").asText()).isEqualTo("allow");
        assertThat(back.audit().path("subject").asText()).isEqualTo("alice");
        assertThat(back.audit().path("route").asText()).isEqualTo("drawbridge-login-callback");
        assertThat(probe.receivedSince(upstreamBefore, first.response().header("X-Request-Id")))
                .as("the sign-in itself reaches no upstream").isEmpty();
    }

    // ---- open redirects: what the callback sends the browser to, whatever the login cookie says --------------

    static Stream<String> poisonedReturns() {
        return Stream.of("https://evil.example/", "http://evil.example", "//evil.example", "///evil.example",
                "/\\evil.example", "\\/evil.example", "\\\\evil.example", "/%2f%2fevil.example", "%2f%2fevil.example",
                "/%5cevil.example", "%5c%5cevil.example", "/%252f%252fevil.example", "/%25252f%25252fevil.example",
                "/\t/evil.example", "/\r\nLocation: https://evil.example", "/\n/evil.example", "/app\rX: y",
                "/%0d%0aSet-Cookie:%20x=y", "\t//evil.example", " //evil.example", "javascript:alert(1)",
                "JavaScript:alert(1)", "java\tscript:alert(1)", "/javascript:alert(1)\u2028", "data:text/html,x",
                "https://gateway.test@evil.example/", "//gateway.test@evil.example", "/@evil.example\u0000",
                "https://evil.example#@gateway.test", "/\u2215\u2215evil.example", "/\uff0f\uff0fevil.example",
                "\uff0f\uff0fevil.example", "/\u2044evil.example", "/caf\u00e9", "/" + "a".repeat(2048),
                "/" + "%25".repeat(8) + "2f", "evil.example", "", " ", "https://gateway.test/",
                "http://app.example.com/x");
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("poisonedReturns")
    void theCallbackSendsAPoisonedReturnToTheFrontPage(String poisoned) {
        var browser = new Browser();
        Attempt attempt = begin(browser);
        String cookie = browser.loginCookieName();
        browser.cookies.put(cookie, resealLogin(browser.cookies.get(cookie), b -> b.claim("return", poisoned)));

        Probe.Outcome back = callback(browser, atIdp(attempt.authorizeUrl(), "alice"));

        assertThat(back.status()).isEqualTo(303);
        assertThat(back.response().header("Location")).as(poisoned).isEqualTo("/");
        assertThat(back.upstreamSaw()).isEmpty();
        assertThat(back.audit().path("decision").asText()).isEqualTo("allow");
    }

    static Stream<Arguments> hostsOnTheSharedDomain() {
        return Stream.of(
                Arguments.of("evil.example", "/"),
                Arguments.of("example.com.evil.net", "/"),
                Arguments.of("evilexample.com", "/"),
                Arguments.of("xn--exmple-cua.com", "/"),
                Arguments.of("example.com.", "/"),
                Arguments.of("grafana.example.com", "http://grafana.example.com/app/x?y=1"),
                Arguments.of("GRAFANA.Example.COM", "http://grafana.example.com/app/x?y=1"),
                Arguments.of("grafana.example.com:8443", "http://grafana.example.com:8443/app/x?y=1"),
                Arguments.of("example.com", "http://example.com/app/x?y=1"),
                Arguments.of(SHARED_CALLBACK_HOST, "/app/x?y=1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostsOnTheSharedDomain")
    void aSharedCookieDomainReturnsOnlyToHostsWithinIt(String host, String expected) {
        var browser = new Browser();
        Probe.Outcome first = open(sharedProbe, browser, "/app/x?y=1", "Host: " + host);
        if (first.status() == 400) { // a host the edge refuses outright
            first.refused(400, null);
            return;
        }
        assertThat(first.status()).isEqualTo(302);

        Probe.Outcome back = callback(sharedProbe, browser, atIdp(first.response().header("Location"), "alice"),
                "Host: " + SHARED_CALLBACK_HOST);

        assertThat(back.status()).as(back.audit().toString()).isEqualTo(303);
        assertThat(back.response().header("Location")).isEqualTo(expected);
        assertThat(back.upstreamSaw()).isEmpty();
        assertThat(back.audit().path("decision").asText()).isEqualTo("allow");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"evil.example", "gateway.test.evil.example", "evil.example:80", "127.0.0.1:1"})
    void withoutACookieDomainTheHostNeverBecomesTheReturnTarget(String host) {
        var browser = new Browser();
        Attempt attempt = begin(probe, browser, "/app/x?y=1", "Host: " + host);

        Probe.Outcome back = callback(browser, atIdp(attempt.authorizeUrl(), "alice"));

        assertThat(back.status()).isEqualTo(303);
        assertThat(back.response().header("Location")).isEqualTo("/app/x?y=1");
        assertThat(back.upstreamSaw()).isEmpty();
        assertThat(back.audit().path("decision").asText()).isEqualTo("allow");
    }

    static Stream<String> poisonedReturnsOnTheSharedDomain() {
        return Stream.of("https://evil.example/", "https://example.com.evil.net/", "https://evilexample.com/",
                "https://user@grafana.example.com/", "https://grafana.example.com@evil.example/",
                "https://grafana.example.com//evil.example", "https://grafana.example.com/\\evil.example",
                "https://grafana.example.com/%2f%2fevil.example", "https://grafana.example.com/%0d%0aX:y",
                "https://grafana.example.com/#@evil.example", "javascript://grafana.example.com/%0aalert(1)",
                "ftp://grafana.example.com/", "https://gr\u0430fana.example.com/", "https://grafana.exa\u043cple.com/",
                "https://grafana.example.com\u3002evil.example/", "https:/\\evil.example", "https:evil.example",
                "https://[::1]/", "https://127.0.0.1/", "https://grafana.example.com:99999/");
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("poisonedReturnsOnTheSharedDomain")
    void theSharedDomainsCallbackSendsAPoisonedAbsoluteReturnToTheFrontPage(String poisoned) {
        var browser = new Browser();
        Attempt attempt = begin(sharedProbe, browser, "/app/", "Host: " + SHARED_CALLBACK_HOST);
        String cookie = browser.loginCookieName();
        browser.cookies.put(cookie, resealLogin(browser.cookies.get(cookie), b -> b.claim("return", poisoned)));

        Probe.Outcome back = callback(sharedProbe, browser, atIdp(attempt.authorizeUrl(), "alice"),
                "Host: " + SHARED_CALLBACK_HOST);

        assertThat(back.status()).isEqualTo(303);
        assertThat(back.response().header("Location")).as(poisoned).isEqualTo("/");
        assertThat(back.upstreamSaw()).isEmpty();
        assertThat(back.audit().path("decision").asText()).isEqualTo("allow");
    }

    // ---- login CSRF: whose browser completes whose sign-in ----------------------------------------------------

    @Test
    void aCallbackWithAValidCodeButNoLoginCookieIsRefused() {
        Attempt attacker = begin(new Browser());
        String target = atIdp(attacker.authorizeUrl(), "mallory");
        var victim = new Browser();

        assertThat(refusedCallback(callback(victim, target), victim)).contains("no login cookie for this state");
    }

    @Test
    void aCallbackWithAnotherBrowsersLoginCookieIsRefused() {
        Attempt attacker = begin(new Browser());
        String target = atIdp(attacker.authorizeUrl(), "mallory");
        var victim = new Browser();
        begin(victim);
        var renamed = new Browser();
        renamed.cookies.put(attacker.browser().loginCookieName(), victim.cookies.get(victim.loginCookieName()));

        assertThat(refusedCallback(callback(victim, target), victim)).contains("no login cookie for this state");
        assertThat(refusedCallback(callback(renamed, target), renamed)).contains("state does not match");
    }

    @Test
    void aStateSwappedBetweenBrowsersIsRefused() {
        // mallory's code and state, sent with alice's login cookie renamed to match; then alice's state on
        // mallory's code
        Attempt mallory = begin(new Browser());
        String malloryTarget = atIdp(mallory.authorizeUrl(), "mallory");
        Attempt alice = begin(new Browser());
        String malloryCode = query("http://x" + malloryTarget).get("code");

        var withAlicesCookie = new Browser();
        withAlicesCookie.cookies.put(mallory.browser().loginCookieName(),
                alice.browser().cookies.get(alice.browser().loginCookieName()));
        refusedCallback(callback(withAlicesCookie, malloryTarget), withAlicesCookie);

        refusedCallback(callback(alice.browser(), "/oauth2/callback?code=" + enc(malloryCode) + "&state="
                + enc(alice.state())), alice.browser());
    }

    /** RFC 9207 mix-up: a callback naming another issuer than the one the sign-in was started with. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shared", "https://evil.test", "trailing slash", "empty"})
    void aCallbackNamingAnotherIssuerIsRefused(String iss) {
        String corp = idp.issuerUrl("corp").toString();
        String other = switch (iss) {
            case "shared" -> idp.issuerUrl("shared").toString();
            case "trailing slash" -> corp.endsWith("/") ? corp.substring(0, corp.length() - 1) : corp + "/";
            case "empty" -> "";
            default -> iss;
        };
        var browser = new Browser();
        Attempt attempt = begin(browser);
        String target = atIdp(attempt.authorizeUrl(), "alice");
        assertThat(target).doesNotContain("iss=");
        assertThat(refusedCallback(callback(browser, target + "&iss=" + enc(other)), browser))
                .contains("another issuer");
    }

    @Test
    void aCallbackNamingItsOwnIssuerSignsIn() {
        var browser = new Browser();
        Attempt attempt = begin(browser);
        String target = atIdp(attempt.authorizeUrl(), "alice") + "&iss=" + enc(idp.issuerUrl("corp").toString());
        assertThat(callback(browser, target).status()).isEqualTo(303);
        assertThat(browser.signedIn()).isTrue();
    }

    @Test
    void aReplayedCallbackIsRefusedEvenWithTheLoginCookie() {
        var browser = new Browser();
        Attempt attempt = begin(browser);
        Map<String, String> loginCookies = new LinkedHashMap<>(browser.cookies);
        String target = atIdp(attempt.authorizeUrl(), "alice");
        assertThat(callback(browser, target).status()).isEqualTo(303);

        var replay = new Browser(loginCookies);
        assertThat(refusedCallback(callback(replay, target), replay)).contains("state already used");
        var again = new Browser(loginCookies);
        assertThat(refusedCallback(callback(again, target), again)).contains("state already used");
    }

    static Stream<Arguments> badStateParameters() {
        return Stream.of(
                Arguments.of("no state", "code=%CODE%"),
                Arguments.of("empty state", "state=&code=%CODE%"),
                Arguments.of("state without a value", "state&code=%CODE%"),
                Arguments.of("state of spaces", "state=%20%20%20%20%20%20%20%20%20%20%20%20%20%20%20%20&code=%CODE%"),
                Arguments.of("state twice, the right one first", "state=%STATE%&state=another-state-value-xxxx&code=%CODE%"),
                Arguments.of("state twice, the right one last", "state=another-state-value-xxxx&state=%STATE%&code=%CODE%"),
                Arguments.of("state twice, both right", "state=%STATE%&state=%STATE%&code=%CODE%"),
                Arguments.of("code twice", "state=%STATE%&code=%CODE%&code=another-code"),
                Arguments.of("state with a different case", "state=%STATE_UPPER%&code=%CODE%"),
                Arguments.of("state cut short", "state=%STATE_SHORT%&code=%CODE%"),
                Arguments.of("state with a suffix", "state=%STATE%x&code=%CODE%"),
                Arguments.of("state overlong", "state=%STATE%" + "x".repeat(200) + "&code=%CODE%"),
                Arguments.of("state with an encoded NUL", "state=%STATE%%2500&code=%CODE%"),
                Arguments.of("state and an error", "state=%STATE%&code=%CODE%&error=access_denied"),
                Arguments.of("no code", "state=%STATE%"),
                Arguments.of("empty code", "state=%STATE%&code="),
                Arguments.of("a made-up code", "state=%STATE%&code=made-up-code"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badStateParameters")
    void aCallbackWithAMissingEmptyDuplicatedOrWrongStateIsRefused(String name, String template) {
        var browser = new Browser();
        Attempt attempt = begin(browser);
        String code = query("http://x" + atIdp(attempt.authorizeUrl(), "alice")).get("code");
        String state = attempt.state();
        String target = "/oauth2/callback?" + template.replace("%CODE%", enc(code))
                .replace("%STATE_UPPER%", state.toUpperCase(java.util.Locale.ROOT).equals(state)
                        ? state.toLowerCase(java.util.Locale.ROOT) : state.toUpperCase(java.util.Locale.ROOT))
                .replace("%STATE_SHORT%", state.substring(0, state.length() - 1))
                .replace("%STATE%", enc(state));

        refusedCallback(callback(browser, target), browser);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void aCallbackIsAGetOnly(String method) {
        var browser = new Browser();
        Attempt attempt = begin(browser);
        String target = atIdp(attempt.authorizeUrl(), "alice");

        String raw = method + " " + target + " HTTP/1.1\r\nHost: " + CALLBACK_HOST + "\r\n"
                + String.join("\r\n", browser.headers()) + "\r\nContent-Length: 0\r\n\r\n";
        Probe.Outcome outcome = probe.send(raw);
        browser.keep(outcome.response());

        refusedCallback(outcome, browser);
    }

    // ---- code injection --------------------------------------------------------------------------------------

    @Test
    void anAttackersOwnCodeInTheVictimsFlowGivesNobodyASession() {
        Attempt mallory = begin(new Browser());
        String malloryCode = query("http://x" + atIdp(mallory.authorizeUrl(), "mallory")).get("code");
        var victim = new Browser();
        Attempt alice = begin(victim);

        assertThat(refusedCallback(callback(victim, "/oauth2/callback?state=" + enc(alice.state()) + "&code="
                + enc(malloryCode)), victim)).contains("token endpoint refused the code");
        // nor has mallory's own flow got anything left to complete: the code was spent on the refused exchange
        refusedCallback(callback(mallory.browser(), "/oauth2/callback?state=" + enc(mallory.state()) + "&code="
                + enc(malloryCode)), mallory.browser());
    }

    @Test
    void aCodeRedeemedOnceIsRefusedInALaterFlowOfTheSameBrowser() {
        var browser = new Browser();
        Attempt first = begin(browser);
        String code = query("http://x" + atIdp(first.authorizeUrl(), "alice")).get("code");
        assertThat(callback(browser, "/oauth2/callback?state=" + enc(first.state()) + "&code=" + enc(code)).status())
                .isEqualTo(303);
        var fresh = new Browser();
        Attempt second = begin(fresh);

        assertThat(refusedCallback(callback(fresh, "/oauth2/callback?state=" + enc(second.state()) + "&code="
                + enc(code)), fresh)).contains("token endpoint refused the code");
    }

    @Test
    void aCodeIssuedToAnotherClientIsRefused() {
        // the attacker asks the IdP for a code as another client, with the victim's state and nonce but a challenge
        // of their own: the gateway's verifier does not match it, and the ID token is not for this client
        var victim = new Browser();
        Attempt alice = begin(victim);
        String otherClient = alice.authorizeUrl().replace("client_id=" + CLIENT, "client_id=other-client")
                .replace("code_challenge=" + enc(alice.params().get("code_challenge")), "code_challenge="
                        + CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier()).getValue());
        assertThat(otherClient).contains("client_id=other-client").doesNotContain(alice.params().get("code_challenge"));
        String code = query("http://x" + atIdp(otherClient, "mallory")).get("code");

        assertThat(refusedCallback(callback(victim, "/oauth2/callback?state=" + enc(alice.state()) + "&code="
                + enc(code)), victim)).contains("token endpoint refused the code");
    }

    @Test
    void aCodeIssuedForAnotherRedirectUriWithAnAttackersChallengeIsRefused() {
        var victim = new Browser();
        Attempt alice = begin(victim);
        String elsewhere = alice.authorizeUrl()
                .replace(enc("http://" + CALLBACK_HOST + "/oauth2/callback"), enc("http://evil.example/cb"))
                .replace("code_challenge=" + enc(alice.params().get("code_challenge")), "code_challenge="
                        + CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier()).getValue());
        assertThat(elsewhere).contains(enc("http://evil.example/cb"));
        String code = codeFrom(elsewhere, "mallory");

        assertThat(refusedCallback(callback(victim, "/oauth2/callback?state=" + enc(alice.state()) + "&code="
                + enc(code)), victim)).contains("token endpoint refused the code");
    }

    @Test
    void theCodeIsRedeemedWithTheRegisteredRedirectUriAndTheVerifier() throws Exception {
        // the IdP's half of redirect-URI binding (RFC 6749 4.1.3): the gateway always names its registered URI
        drainIdpRequests();
        var browser = new Browser();
        Attempt attempt = begin(browser);
        String verifier = (String) keys.open(LOGIN_PURPOSE, browser.cookies.get(browser.loginCookieName()))
                .orElseThrow().getClaim("pkce");
        assertThat(callback(browser, atIdp(attempt.authorizeUrl(), "alice")).status()).isEqualTo(303);

        List<String> tokens = drainIdpRequests().stream().filter(r -> r.getPath().startsWith("/corp/token"))
                .map(r -> r.getBody().readUtf8()).toList();
        assertThat(tokens).hasSize(1);
        Map<String, String> form = query("http://x/?" + tokens.get(0));
        assertThat(form).containsEntry("grant_type", "authorization_code")
                .containsEntry("redirect_uri", "http://" + CALLBACK_HOST + "/oauth2/callback")
                .containsEntry("code_verifier", verifier);
    }

    /** Every request the IdP received since the last call, oldest first. */
    private List<okhttp3.mockwebserver.RecordedRequest> drainIdpRequests() {
        List<okhttp3.mockwebserver.RecordedRequest> all = new ArrayList<>();
        while (true) {
            try { // the mock throws, rather than answering null, when nothing arrives in time
                var r = idp.takeRequest(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (r == null) {
                    return all;
                }
                all.add(r);
            } catch (RuntimeException none) {
                return all;
            }
        }
    }

    private String codeFrom(String authorizeUrl, String user) {
        String claims = "{\"preferred_username\":\"" + user + "\",\"groups\":[\"sre\"]}";
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(authorizeUrl))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=" + enc(user) + "&claims=" + enc(claims)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return query(response.headers().firstValue("Location").orElseThrow()).get("code");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSessionPlantedDuringSignInIsReplacedByTheOneSignedIn() {
        // mallory plants her session cookie in alice's browser while alice is at the IdP: the callback writes
        // alice's session over it, so the browser does not go on as mallory
        Browser mallory = signedIn("mallory");
        var victim = new Browser();
        Attempt attempt = begin(probe, victim, "/app/x");
        victim.cookies.put(SESSION, mallory.session());

        Probe.Outcome back = callback(victim, atIdp(attempt.authorizeUrl(), "alice"));

        assertThat(back.status()).isEqualTo(303);
        assertThat(back.audit().path("subject").asText()).isEqualTo("alice");
        assertThat(back.response().headers("Set-Cookie")).anyMatch(c -> c.startsWith(SESSION + "=")
                && !c.contains("Max-Age=0"));
        assertThat(victim.session()).isNotEqualTo(mallory.session());
        assertServes(victim, "alice");
        assertServes(mallory, "mallory");
    }

    // ---- session cookie tampering ------------------------------------------------------------------------------

    static Stream<Arguments> tamperings() {
        return Stream.of(
                Arguments.of("bit flipped in the header", (UnaryOperator<String>) v -> flip(v, 5)),
                Arguments.of("bit flipped in the IV", (UnaryOperator<String>) v -> flip(v, v.indexOf("..") + 4)),
                Arguments.of("bit flipped at the start of the ciphertext",
                        (UnaryOperator<String>) v -> flip(v, nthDot(v, 3) + 2)),
                Arguments.of("bit flipped in the middle", (UnaryOperator<String>) v -> flip(v, v.length() / 2)),
                Arguments.of("bit flipped in the tag", (UnaryOperator<String>) v -> flip(v, v.length() - 3)),
                Arguments.of("last character changed", (UnaryOperator<String>) v -> flip(v, v.length() - 1)),
                Arguments.of("truncated by one", (UnaryOperator<String>) v -> v.substring(0, v.length() - 1)),
                Arguments.of("tag removed", (UnaryOperator<String>) v -> v.substring(0, v.lastIndexOf('.') + 1)),
                Arguments.of("cut in half", (UnaryOperator<String>) v -> v.substring(0, v.length() / 2)),
                Arguments.of("junk appended", (UnaryOperator<String>) v -> v + "AAAA"),
                Arguments.of("a part appended", (UnaryOperator<String>) v -> v + ".AAAA"),
                Arguments.of("ciphertext and IV swapped", (UnaryOperator<String>) v -> {
                    String[] p = v.split("\\.", -1);
                    return String.join(".", p[0], p[1], p[3], p[2], p[4]);
                }),
                Arguments.of("upper-cased", (UnaryOperator<String>) v -> v.toUpperCase(java.util.Locale.ROOT)),
                Arguments.of("empty", (UnaryOperator<String>) v -> ""),
                Arguments.of("a single dot", (UnaryOperator<String>) v -> "."),
                Arguments.of("quoted", (UnaryOperator<String>) v -> "\"" + v + "\""),
                Arguments.of("header says alg none", (UnaryOperator<String>) v -> header(v,
                        "{\"alg\":\"none\",\"enc\":\"A256GCM\",\"typ\":\"drawbridge-session\"}")),
                Arguments.of("header says another enc", (UnaryOperator<String>) v -> header(v,
                        "{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"typ\":\"drawbridge-session\"}")),
                Arguments.of("header with compression", (UnaryOperator<String>) v -> header(v,
                        "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"zip\":\"DEF\",\"typ\":\"drawbridge-session\"}")),
                Arguments.of("header without kid", (UnaryOperator<String>) v -> header(v,
                        "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"typ\":\"drawbridge-session\"}")),
                Arguments.of("a JWS, not a JWE", (UnaryOperator<String>) v -> "eyJhbGciOiJub25lIn0."
                        + Base64URL.encode("{\"at\":\"x\"}") + "."));
    }

    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /**
     * Flips the highest bit of one base64url character: a bit of data even in a last character, whose low bits
     * may be padding that decodes to the same bytes whatever they are.
     */
    private static String flip(String value, int at) {
        char flipped = BASE64URL.charAt(BASE64URL.indexOf(value.charAt(at)) ^ 0x20);
        return value.substring(0, at) + flipped + value.substring(at + 1);
    }

    private static int nthDot(String value, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = value.indexOf('.', at + 1);
        }
        return at;
    }

    private static String header(String value, String json) {
        return Base64URL.encode(json) + value.substring(value.indexOf('.'));
    }

    private Browser aliceForTampering;

    private synchronized Browser alice() {
        if (aliceForTampering == null) {
            aliceForTampering = signedIn("alice");
        }
        return aliceForTampering;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperings")
    void aTamperedSessionCookieOpensNothing(String name, UnaryOperator<String> tamper) {
        Browser alice = alice();
        String session = alice.cookies.get(SESSION);
        assertThat(session).as("a session small enough for one cookie").isNotNull();
        String bent = tamper.apply(session);
        assertThat(bent).isNotEqualTo(session);
        var attacker = new Browser(Map.of(SESSION, bent));

        Probe.Outcome api = fetch(attacker).refused(401, "session-invalid");
        assertThat(api.response().headers("Set-Cookie")).anyMatch(c -> c.startsWith(SESSION + "=;")
                && c.contains("Max-Age=0"));
        Probe.Outcome page = open(probe, attacker, "/app/x");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.upstreamSaw()).isEmpty();
        assertThat(page.audit().path("reason").asText()).isEqualTo("login-required");
        assertServes(alice, "alice"); // the original still works: the cases bent copies
    }

    @Test
    void aSessionSealedWithAnotherKeyOrForAnotherPurposeOpensNothing() throws Exception {
        Browser alice = alice();
        JWTClaimsSet claims = keys.open(SESSION_PURPOSE, alice.cookies.get(SESSION)).orElseThrow();
        String otherKey = new SessionKeys(List.of(OTHER_KEY)).seal(SESSION_PURPOSE, claims);
        // the right key under another key's id, and a login cookie's purpose
        var header = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).keyID("not-our-kid")
                .type(new JOSEObjectType(SESSION_PURPOSE)).build();
        var jwe = new JWEObject(header, new Payload(claims.toJSONObject()));
        jwe.encrypt(new DirectEncrypter(new SecretKeySpec(Base64.getDecoder().decode(KEY), "AES")));
        String wrongKid = jwe.serialize();
        String loginPurpose = keys.seal(LOGIN_PURPOSE, claims);
        String noType = keys.seal("", claims);

        for (String sealed : List.of(otherKey, wrongKid, loginPurpose, noType)) {
            fetch(new Browser(Map.of(SESSION, sealed))).refused(401, "session-invalid");
        }
        // and a login cookie sent as the session
        var withLogin = new Browser();
        begin(withLogin);
        fetch(new Browser(Map.of(SESSION, withLogin.cookies.get(withLogin.loginCookieName()))))
                .refused(401, "session-invalid");
    }

    @Test
    void aSessionWithoutItsAccessTokenOrTimesOpensNothing() {
        Browser alice = alice();
        String session = alice.cookies.get(SESSION);
        for (String claim : List.of("at", "ate", "seen", "iat")) {
            fetch(new Browser(Map.of(SESSION, resealSession(session, b -> b.claim(claim, null)))))
                    .refused(401, "session-invalid");
        }
        fetch(new Browser(Map.of(SESSION, resealSession(session, b -> b.claim("at", "not-a-token")))))
                .refused(401, "token-malformed");
    }

    @Test
    void anExpiredSessionIsRefusedAndCleared() {
        Browser alice = alice();
        String session = alice.cookies.get(SESSION);
        Instant now = Instant.now();
        String old = resealSession(session, b -> b.issueTime(Date.from(now.minus(Duration.ofHours(25)))));
        String idle = resealSession(session, b -> b.claim("seen", now.minus(Duration.ofHours(9)).getEpochSecond()));

        for (String expired : List.of(old, idle)) {
            Probe.Outcome api = fetch(new Browser(Map.of(SESSION, expired))).refused(401, "session-expired");
            assertThat(api.response().headers("Set-Cookie")).anyMatch(c -> c.startsWith(SESSION + "=;")
                    && c.contains("Max-Age=0"));
            Probe.Outcome page = open(probe, new Browser(Map.of(SESSION, expired)), "/app/x");
            assertThat(page.status()).isEqualTo(302);
            assertThat(page.audit().path("detail").asText()).contains("session-expired");
        }
    }

    /** A session large enough to be split across cookies (the claims make the tokens big). */
    private Browser chunked() {
        var browser = new Browser();
        Attempt attempt = begin(browser);
        String claims = "{\"preferred_username\":\"alice\",\"groups\":[\"sre\"],\"pad\":\"" + "p".repeat(2500) + "\"}";
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(attempt.authorizeUrl()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=alice&claims=" + enc(claims))).build(),
                    HttpResponse.BodyHandlers.ofString());
            URI back = URI.create(response.headers().firstValue("Location").orElseThrow());
            assertThat(callback(browser, back.getRawPath() + "?" + back.getRawQuery()).status()).isEqualTo(303);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertThat(browser.cookies).containsKeys(SESSION + "_0", SESSION + "_1").doesNotContainKey(SESSION);
        return browser;
    }

    static Stream<Arguments> chunkEdits() {
        return Stream.of(
                Arguments.of("chunks swapped", (UnaryOperator<Map<String, String>>) c -> {
                    var m = new LinkedHashMap<>(c);
                    m.put(SESSION + "_0", c.get(SESSION + "_1"));
                    m.put(SESSION + "_1", c.get(SESSION + "_0"));
                    return m;
                }),
                Arguments.of("last chunk missing", (UnaryOperator<Map<String, String>>) c -> {
                    var m = new LinkedHashMap<>(c);
                    m.remove(lastChunk(c));
                    return m;
                }),
                Arguments.of("first chunk missing", (UnaryOperator<Map<String, String>>) c -> {
                    var m = new LinkedHashMap<>(c);
                    m.remove(SESSION + "_0");
                    return m;
                }),
                Arguments.of("an extra chunk after the last", (UnaryOperator<Map<String, String>>) c -> {
                    var m = new LinkedHashMap<>(c);
                    m.put(SESSION + "_" + c.keySet().stream().filter(n -> n.matches(SESSION + "_\\d+")).count(),
                            "AAAA");
                    return m;
                }),
                Arguments.of("the first chunk twice", (UnaryOperator<Map<String, String>>) c -> {
                    var m = new LinkedHashMap<>(c);
                    m.put(SESSION + "_1", c.get(SESSION + "_0"));
                    return m;
                }),
                Arguments.of("a chunk cut short", (UnaryOperator<Map<String, String>>) c -> {
                    var m = new LinkedHashMap<>(c);
                    String first = c.get(SESSION + "_0");
                    m.put(SESSION + "_0", first.substring(0, first.length() - 1));
                    return m;
                }),
                Arguments.of("a character moved between chunks", (UnaryOperator<Map<String, String>>) c -> {
                    var m = new LinkedHashMap<>(c);
                    String first = c.get(SESSION + "_0");
                    m.put(SESSION + "_0", first.substring(0, first.length() - 1));
                    m.put(SESSION + "_1", first.charAt(first.length() - 1) + c.get(SESSION + "_1") + "A");
                    return m;
                }),
                Arguments.of("a whole cookie of junk beside the chunks", (UnaryOperator<Map<String, String>>) c -> {
                    var m = new LinkedHashMap<String, String>();
                    m.put(SESSION, "junk");
                    m.putAll(c);
                    return m;
                }),
                Arguments.of("chunks numbered from one", (UnaryOperator<Map<String, String>>) c -> {
                    var m = new LinkedHashMap<String, String>();
                    c.forEach((k, v) -> m.put(k.matches(SESSION + "_\\d+")
                            ? SESSION + "_" + (Integer.parseInt(k.substring(SESSION.length() + 1)) + 1) : k, v));
                    return m;
                }));
    }

    private static String lastChunk(Map<String, String> cookies) {
        return cookies.keySet().stream().filter(n -> n.matches(SESSION + "_\\d+")).max(String::compareTo).orElseThrow();
    }

    private Browser chunkedAlice;

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkEdits")
    void aSplitSessionReassembledWronglyOpensNothing(String name, UnaryOperator<Map<String, String>> edit) {
        if (chunkedAlice == null) {
            chunkedAlice = chunked();
        }
        Map<String, String> sessionCookies = new LinkedHashMap<>();
        chunkedAlice.cookies.forEach((k, v) -> {
            if (k.startsWith(SESSION) && !k.contains("_login_")) {
                sessionCookies.put(k, v);
            }
        });
        var attacker = new Browser(edit.apply(sessionCookies));

        Probe.Outcome api = fetch(attacker);
        api.refused(401, api.reason().equals("token-missing") ? "token-missing" : "session-invalid");
        assertThat(api.reason()).as(name).isIn("session-invalid", "token-missing");
        assertServes(chunkedAlice, "alice");
    }

    // ---- logout ------------------------------------------------------------------------------------------------

    @Test
    void aSessionCookieReplayedAfterLogoutOpensNothing() {
        Browser alice = signedIn("alice");
        Map<String, String> copy = new LinkedHashMap<>(alice.cookies);
        assertServes(alice, "alice");

        Probe.Outcome out = probe.send("POST /oauth2/logout HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.port()
                + "\r\nOrigin: http://127.0.0.1:" + gateway.port() + "\r\n"
                + String.join("\r\n", alice.headers()) + "\r\nContent-Length: 0\r\n\r\n");
        alice.keep(out.response());
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.audit().path("decision").asText()).isEqualTo("allow");
        assertThat(out.upstreamSaw()).isEmpty();
        assertThat(alice.signedIn()).isFalse();

        assertThat(drainIdpRequests()).as("the refresh token is revoked at the IdP, for the other replicas")
                .anyMatch(r -> r.getPath().equals("/corp/revoke") && r.getBody().readUtf8().contains("token="));
        Probe.Outcome replay = fetch(new Browser(copy)).refused(401, "session-expired");
        assertThat(replay.audit().path("detail").asText()).contains("signed out");
        Probe.Outcome page = open(probe, new Browser(copy), "/app/x");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.upstreamSaw()).isEmpty();
    }

    @Test
    void anotherReplicaRefusesTheCopyOnceItsAccessTokenNeedsRefreshing(@TempDir Path dir) throws Exception {
        // the signed-out list is per instance; another replica learns of the logout from the IdP, whose refresh
        // token the logout revoked: the copy works there until its access token is due for a refresh (here made
        // due at once by re-sealing it with an access expiry within refreshBefore), then never again
        try (var replica = GatewayFixture.start(dir, config("corp", "http://" + CALLBACK_HOST, null), routes(),
                Map.of("upstream", upstream.url()))) {
            var onReplica = new Probe(replica, upstream);
            awaitKeys(replica);
            Browser alice = signedIn("alice");
            String due = resealSession(alice.cookies.get(SESSION), b -> b.claim("ate",
                    Instant.now().plusSeconds(30).getEpochSecond()));
            Probe.Outcome before = onReplica.get("/app/x", alice.headers("Accept: application/json"));
            assertThat(before.status()).as(before.audit().toString()).isEqualTo(200);
            before.forwarded(200);

            Probe.Outcome out = probe.send("POST /oauth2/logout HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Sec-Fetch-Site: same-origin\r\n" + String.join("\r\n", alice.headers())
                    + "\r\nContent-Length: 0\r\n\r\n");
            assertThat(out.status()).isEqualTo(303);

            Probe.Outcome replay = onReplica.get("/app/x", new Browser(Map.of(SESSION, due))
                    .headers("Accept: application/json")).refused(401, "session-expired");
            assertThat(replay.audit().path("detail").asText()).contains("refused the refresh");
        }
    }

    static Stream<Arguments> crossSiteLogouts() {
        return Stream.of(
                Arguments.of("no Origin, no Sec-Fetch-Site", List.of()),
                Arguments.of("a foreign Origin", List.of("Origin: http://evil.example")),
                Arguments.of("Origin null", List.of("Origin: null")),
                Arguments.of("an Origin on another port", List.of("Origin: http://127.0.0.1:1")),
                Arguments.of("an Origin that only starts like ours", List.of("Origin: http://127.0.0.1:%PORT%.evil.example")),
                Arguments.of("an Origin with userinfo", List.of("Origin: http://127.0.0.1:%PORT%@evil.example")),
                Arguments.of("an empty Origin", List.of("Origin: ")),
                Arguments.of("a Referer only", List.of("Referer: http://127.0.0.1:%PORT%/app/")),
                Arguments.of("Sec-Fetch-Site cross-site", List.of("Sec-Fetch-Site: cross-site")),
                Arguments.of("Sec-Fetch-Site same-site", List.of("Sec-Fetch-Site: same-site")),
                Arguments.of("Sec-Fetch-Site none", List.of("Sec-Fetch-Site: none")),
                Arguments.of("Sec-Fetch-Site cross-site with our Origin",
                        List.of("Sec-Fetch-Site: cross-site", "Origin: http://127.0.0.1:%PORT%")),
                Arguments.of("Sec-Fetch-Site same-origins", List.of("Sec-Fetch-Site: same-origins")),
                Arguments.of("X-Forwarded-Host naming the Origin",
                        List.of("Origin: http://evil.example", "X-Forwarded-Host: evil.example")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crossSiteLogouts")
    void aLogoutPostFromAnotherSiteIsRefusedAndSignsNobodyOut(String name, List<String> headers) {
        Browser alice = alice();
        String lines = headers.stream().map(h -> h.replace("%PORT%", String.valueOf(gateway.port())) + "\r\n")
                .reduce("", String::concat);

        Probe.Outcome out = probe.send("POST /oauth2/logout HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.port() + "\r\n"
                + lines + String.join("\r\n", alice.headers()) + "\r\nContent-Type: application/x-www-form-urlencoded"
                + "\r\nContent-Length: 0\r\n\r\n").refused(403, "csrf-rejected");

        assertThat(out.response().headers("Set-Cookie")).isEmpty();
        assertServes(alice, "alice");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET", "HEAD"})
    void aLogoutGetOnlyShowsTheButton(String method) {
        Browser alice = alice();

        int before = probe.upstreamCount();
        RawHttp.Response response;
        try (var raw = new RawHttp(gateway.port())) {
            response = raw.send(method + " /oauth2/logout HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: "
                    + "http://127.0.0.1\r\nSec-Fetch-Site: same-origin\r\n" + String.join("\r\n", alice.headers())
                    + "\r\n\r\n").read(method.equals("HEAD"));
        }
        Probe.Outcome page = probe.outcome(response, before);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.response().headers("Set-Cookie")).isEmpty();
        assertThat(page.response().header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(page.upstreamSaw()).isEmpty();
        assertThat(page.audit().path("status").asInt()).isEqualTo(200);
        assertServes(alice, "alice");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PUT", "DELETE", "PATCH"})
    void aLogoutByAnotherMethodIsRefused(String method) {
        Browser alice = alice();

        probe.send(method + " /oauth2/logout HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\n"
                + String.join("\r\n", alice.headers()) + "\r\nContent-Length: 0\r\n\r\n").refused(405, null);
        assertServes(alice, "alice");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"?post_logout_redirect_uri=https://evil.example/",
        "?post_logout_redirect_uri=%2F%2Fevil.example&state=x", "?redirect=https://evil.example/&next=//evil.example",
        "?id_token_hint=forged&post_logout_redirect_uri=https://evil.example/"})
    void logoutTakesNoRedirectTargetFromTheClient(String query) {
        Browser browser = signedIn("alice");
        String body = query.substring(1);

        Probe.Outcome out = probe.send("POST /oauth2/logout" + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.port()
                + "\r\nSec-Fetch-Site: same-origin\r\n" + String.join("\r\n", browser.headers())
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body);

        assertThat(out.status()).isEqualTo(303);
        String location = out.response().header("Location");
        assertThat(location).startsWith(idp.endSessionEndpointUrl("corp").toString()).doesNotContain("evil");
        assertThat(query(location)).containsEntry("post_logout_redirect_uri", "http://" + CALLBACK_HOST + "/bye")
                .doesNotContainEntry("id_token_hint", "forged");
        assertThat(out.upstreamSaw()).isEmpty();
        assertThat(out.audit().path("decision").asText()).isEqualTo("allow");
    }
}
