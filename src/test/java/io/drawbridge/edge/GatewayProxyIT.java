package io.drawbridge.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.dev.EchoUpstream;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway on real sockets: a real listener, real upstreams, raw HTTP where a client library would clean up
 * what an attacker sends. Each test states what the client got, what the upstream saw (or never saw), and what
 * the audit log holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayProxyIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private final TokenMinter minter = new TokenMinter();
    private EchoUpstream echo;
    private TestUpstream upstream;
    private GatewayFixture gateway;
    private int deadPort;
    private String alice;
    private String bob;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        echo = EchoUpstream.start();
        upstream = new TestUpstream();
        try (var socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort(); // closed again: nothing listens there
        }
        minter.writeJwks(dir.resolve("jwks.json"));
        alice = minter.token("alice", List.of("sre", "platform"));
        bob = minter.token("bob", List.of("sales"));
        String config = """
                @TEST_ISSUER@
                policies:
                  sre:
                    allow:
                      - name: sre
                        groups: [sre]
                  open:
                    public: true
                  reader:
                    allow:
                      - scopes: [read:x]
                """;
        var routes = new java.util.HashMap<String, String>(Map.of(
                "echo.yaml", route("echo", "gateway:/echo", true, "sre", "{{upstream.echo}}&stripPrefix=true"),
                "app.yaml", route("app", "gateway:/app", true, "sre", "{{upstream.test}}&stripPrefix=true"),
                "scoped.yaml", route("scoped", "gateway:/scoped", true, "reader", "{{upstream.echo}}&stripPrefix=true"),
                "open.yaml", route("open", "gateway:/open", false, "open", "{{upstream.test}}&stripPrefix=true"),
                "openecho.yaml", route("openecho", "gateway:/openecho", false, "open",
                        "{{upstream.echo}}&stripPrefix=true"),
                "slow.yaml", route("slow", "gateway:/slowapp", false, "open",
                        "{{upstream.test}}&stripPrefix=true&responseTimeout=300ms"),
                "dead.yaml", route("dead", "gateway:/dead", false, "open", "http://127.0.0.1:{{dead.port}}"),
                "tools.yaml", route("tools", "gateway:/?host=tools.example.com", false, "open", "{{upstream.echo}}"),
                "ownhost.yaml", route("ownhost", "gateway:/ownhost", false, "open",
                        "{{upstream.echo}}&stripPrefix=true&preserveHost=false"),
                "ws.yaml", route("ws", "gateway:/wsapp?websocket=true", false, "open",
                        "{{upstream.test}}&stripPrefix=true")));
        routes.put("plainws.yaml", route("plainws", "gateway:/plainws", false, "open",
                "{{upstream.test}}&stripPrefix=true"));
        routes.put("authws.yaml", route("authws", "gateway:/authws?websocket=true", true, "sre",
                "{{upstream.test}}&stripPrefix=true"));
        routes.putAll(Map.of(
                "forgot.yaml", """
                        - route:
                            id: forgot
                            from:
                              uri: gateway:/forgot
                              steps:
                                - to: drawbridge:authenticate
                                - to: drawbridge:proxy?upstream={{upstream.test}}
                        """,
                "kamelets.yaml", """
                        - route:
                            id: composed
                            from:
                              uri: "kamelet:drawbridge-http-source?path=/composed"
                              steps:
                                - to: kamelet:drawbridge-authenticate-action
                                - to: "kamelet:drawbridge-authorize-action?policy=sre"
                                - to: "kamelet:drawbridge-proxy-sink?upstream={{upstream.echo}}&stripPrefix=true"
                        """,
                "local.yaml", """
                        - route:
                            id: local
                            from:
                              uri: gateway:/local
                              steps:
                                - to: drawbridge:authorize?policy=open
                                - setBody:
                                    constant: hello
                        """));
        gateway = GatewayFixture.start(dir, config, routes, Map.of(
                "upstream.echo", echo.url(), "upstream.test", upstream.url(), "dead.port", String.valueOf(deadPort)));
    }

    private static String route(String id, String from, boolean authenticate, String policy, String upstream) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "%s"
                      steps:
                %s        - to: drawbridge:authorize?policy=%s
                        - to: "drawbridge:proxy?upstream=%s"
                """.formatted(id, from, authenticate ? "        - to: drawbridge:authenticate\n" : "", policy, upstream);
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
        echo.close();
    }

    private RawHttp.Response get(String path, String... headers) {
        var request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return RawHttp.exchange(gateway.port(), request.append("\r\n").toString());
    }

    private static JsonNode json(RawHttp.Response response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static List<String> headerNames(JsonNode echoed) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = echoed.path("headers").fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }

    // ---- pass-through ---------------------------------------------------------------------------------------

    @Test
    void forwardsMethodPathQueryHeadersAndBody() throws Exception {
        var response = RawHttp.exchange(gateway.port(), "POST /echo/a/b?x=1&y=%20 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + alice + "\r\nContent-Type: text/plain\r\nX-Custom: kept\r\n"
                + "Content-Length: 5\r\n\r\nhello");
        assertThat(response.status()).isEqualTo(200);
        JsonNode echoed = json(response);
        assertThat(echoed.path("method").asText()).isEqualTo("POST");
        assertThat(echoed.path("path").asText()).isEqualTo("/a/b");
        assertThat(echoed.path("query").asText()).isEqualTo("x=1&y=%20");
        assertThat(echoed.path("body").asText()).isEqualTo("hello");
        assertThat(echoed.at("/headers/X-Custom/0").asText()).isEqualTo("kept");
        assertThat(echoed.at("/headers/Content-Type/0").asText()).isEqualTo("text/plain");
        assertThat(echoed.at("/headers/Content-Length/0").asText()).isEqualTo("5");
        assertThat(headerNames(echoed)).noneMatch(n -> n.equalsIgnoreCase("Authorization"));
        JsonNode audit = gateway.audit(response.header("X-Request-Id"));
        assertThat(audit.path("decision").asText()).isEqualTo("allow");
        assertThat(audit.path("subject").asText()).isEqualTo("alice");
        assertThat(audit.path("email").asText()).as("for diff's replays of emails rules")
                .isEqualTo("alice@example.com");
        assertThat(audit.path("status").asInt()).isEqualTo(200);
        assertThat(audit.path("route").asText()).isEqualTo("echo");
        assertThat(audit.path("upstream").asText()).isEqualTo("http://127.0.0.1:" + echo.port());
    }

    @Test
    void streamsAChunkedRequestBody() throws Exception {
        var response = RawHttp.exchange(gateway.port(), "PUT /openecho/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        assertThat(response.status()).isEqualTo(200);
        JsonNode echoed = json(response);
        assertThat(echoed.path("body").asText()).isEqualTo("hello world");
        assertThat(echoed.at("/headers/Transfer-Encoding/0").asText()).isEqualTo("chunked");
    }

    @Test
    void keepsRepeatedHeadersInBothDirections() throws Exception {
        JsonNode echoed = json(get("/openecho/", "X-Multi: one", "X-Multi: two"));
        assertThat(echoed.at("/headers/X-Multi").toString()).isEqualTo("[\"one\",\"two\"]");

        var response = get("/open/cookies");
        assertThat(response.headers("Set-Cookie")).containsExactly("a=1; Path=/", "b=2; Path=/");
    }

    @Test
    void passesStatusCodesThrough() {
        assertThat(get("/open/status/418").status()).isEqualTo(418);
        assertThat(get("/open/status/404").status()).isEqualTo(404);
        var noContent = get("/open/status/204");
        assertThat(noContent.status()).isEqualTo(204);
        assertThat(noContent.body()).isEmpty();
    }

    // ---- header hygiene -------------------------------------------------------------------------------------

    @Test
    void anAppThatComparesOriginWithHostGetsTheClientsHostByDefault() throws Exception {
        String authority = "127.0.0.1:" + gateway.port();
        var response = RawHttp.exchange(gateway.port(), "POST /openecho/api/contents HTTP/1.1\r\nHost: " + authority
                + "\r\nOrigin: http://" + authority + "\r\nContent-Length: 2\r\n\r\n{}");
        assertThat(response.status()).isEqualTo(200);
        assertThat(json(response).path("headers").path("Host").toString()).isEqualTo("[\"" + authority + "\"]");
    }

    @Test
    void withPreserveHostFalseTheUpstreamGetsItsOwnHostAndSuchAnAppRefusesBrowsers() throws Exception {
        String authority = "127.0.0.1:" + gateway.port();
        var plain = RawHttp.exchange(gateway.port(), "GET /ownhost/api/contents HTTP/1.1\r\nHost: " + authority
                + "\r\n\r\n");
        assertThat(plain.status()).isEqualTo(200);
        assertThat(json(plain).path("headers").path("Host").toString())
                .isEqualTo("[\"127.0.0.1:" + echo.port() + "\"]");
        assertThat(json(plain).path("headers").path("X-Forwarded-Host").toString())
                .isEqualTo("[\"" + authority + "\"]");
        var fromBrowser = RawHttp.exchange(gateway.port(), "POST /ownhost/api/contents HTTP/1.1\r\nHost: "
                + authority + "\r\nOrigin: http://" + authority + "\r\nContent-Length: 2\r\n\r\n{}");
        assertThat(fromBrowser.status()).isEqualTo(403);
        assertThat(fromBrowser.text()).contains("Blocking Cross Origin API request");
    }

    @Test
    void anOriginOfAnotherSiteIsStillRefusedByTheApp() {
        var response = RawHttp.exchange(gateway.port(), "POST /openecho/api/contents HTTP/1.1\r\nHost: 127.0.0.1:"
                + gateway.port() + "\r\nOrigin: http://evil.example\r\nContent-Length: 2\r\n\r\n{}");
        assertThat(response.status()).isEqualTo(403);
    }

    @Test
    void removesHopByHopHeadersAndTheOnesNamedInConnection() throws Exception {
        JsonNode echoed = json(get("/openecho/", "Connection: keep-alive, X-Secret-Hop", "X-Secret-Hop: 1",
                "Keep-Alive: timeout=5", "TE: trailers", "Proxy-Authorization: Basic Zm9vOmJhcg==",
                "Upgrade: h2c", "Proxy-Connection: keep-alive", "Trailer: X-T"));
        assertThat(headerNames(echoed)).map(String::toLowerCase).doesNotContain("x-secret-hop", "keep-alive",
                "te", "proxy-authorization", "upgrade", "proxy-connection", "trailer", "connection");
    }

    @Test
    void removesHopByHopHeadersFromResponses() {
        var response = get("/open/cookies");
        assertThat(response.header("X-Upstream-Private")).isNull();
        assertThat(response.header("Keep-Alive")).isNull();
    }

    @Test
    void camelHeadersFromClientsNeverSteerTheExchangeNorReachAnyone() throws Exception {
        var response = get("/openecho/x", "CamelHttpUri: http://127.0.0.2:9/", "camelhttpmethod: DELETE",
                "CAMELHTTPPATH: /admin", "CamelHttpQuery: evil=1", "cAmElFoo: bar",
                "org.apache.camel.Foo: x");
        assertThat(response.status()).isEqualTo(200);
        JsonNode echoed = json(response);
        assertThat(echoed.path("method").asText()).isEqualTo("GET");
        assertThat(echoed.path("path").asText()).isEqualTo("/x");
        assertThat(echoed.path("query").isNull()).isTrue();
        assertThat(headerNames(echoed)).noneMatch(n -> n.toLowerCase().startsWith("camel")
                || n.toLowerCase().startsWith("org.apache.camel"));
        assertThat(response.headers()).noneMatch(h -> h[0].toLowerCase().startsWith("camel"));
    }

    @Test
    void camelHeadersFromUpstreamsNeverReachTheClientNorChangeTheStatus() {
        var response = get("/open/cookies");
        assertThat(response.status()).isEqualTo(200); // the upstream's CamelHttpResponseCode: 500 is ignored
        assertThat(response.headers()).noneMatch(h -> h[0].toLowerCase().startsWith("camel"));
    }

    @Test
    void replacesSpoofedIdentityHeadersWithTheVerifiedIdentity() throws Exception {
        var response = get("/echo/", "Authorization: Bearer " + alice, "X-Forwarded-User: mallory",
                "x_forwarded_user: mallory", "X-FORWARDED-EMAIL: mallory@evil.test", "X-Forwarded-Groups: admins",
                "X-Auth-Request-User: mallory", "Remote-User: mallory", "X-Drawbridge-Assertion: forged");
        JsonNode headers = json(response).path("headers");
        assertThat(headers.path("X-Forwarded-User").toString()).isEqualTo("[\"alice\"]");
        assertThat(headers.path("X-Forwarded-Email").toString()).isEqualTo("[\"alice@example.com\"]");
        assertThat(headers.path("X-Forwarded-Groups").toString()).isEqualTo("[\"sre,platform\"]");
        assertThat(headerNames(json(response))).map(String::toLowerCase).doesNotContain("x_forwarded_user",
                "x-auth-request-user", "remote-user");
        assertThat(headers.path("X-Drawbridge-Assertion").toString()).doesNotContain("forged");
        assertThat(headers.path("X-Forwarded-Preferred-Username").toString()).isEqualTo("[\"alice\"]");
    }

    @Test
    void publicRoutesCarryNoIdentityHeadersAtAll() throws Exception {
        var response = get("/openecho/", "X-Forwarded-User: mallory", "X-Forwarded-Email: m@evil.test",
                "X-Drawbridge-Assertion: forged");
        assertThat(headerNames(json(response))).map(String::toLowerCase)
                .doesNotContain("x-forwarded-user", "x-forwarded-email", "x-forwarded-groups",
                        "x-drawbridge-assertion");
    }

    @Test
    void signsAnIdentityAssertionUpstreamsCanVerifyWithThePublishedKeys() throws Exception {
        var response = get("/echo/", "Authorization: Bearer " + alice);
        String assertion = json(response).at("/headers/X-Drawbridge-Assertion/0").asText();
        var keys = com.nimbusds.jose.jwk.JWKSet.parse(get("/.well-known/drawbridge/jwks.json").text());
        var jwt = com.nimbusds.jwt.SignedJWT.parse(assertion);
        var key = (com.nimbusds.jose.jwk.ECKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(jwt.verify(new com.nimbusds.jose.crypto.ECDSAVerifier(key))).isTrue();
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly("echo");
        assertThat(claims.getSubject()).isEqualTo("alice-id");
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo("alice");
        assertThat(claims.getStringListClaim("groups")).containsExactly("sre", "platform");
        assertThat(claims.getExpirationTime()).isAfter(new java.util.Date());
        // a different route gets an assertion of its own audience
        var composed = get("/composed/", "Authorization: Bearer " + alice);
        var other = com.nimbusds.jwt.SignedJWT.parse(json(composed).at("/headers/X-Drawbridge-Assertion/0").asText());
        assertThat(other.getJWTClaimsSet().getAudience()).doesNotContain("echo");
    }

    @Test
    void setsForwardingHeadersItselfInsteadOfTrustingClients() throws Exception {
        JsonNode headers = json(get("/openecho/", "X-Forwarded-For: 1.2.3.4", "X-Forwarded-Proto: https",
                "X-Forwarded-Host: evil.test", "X-Real-IP: 1.2.3.4", "Forwarded: for=1.2.3.4",
                "X-HTTP-Method-Override: DELETE")).path("headers");
        assertThat(headers.path("X-Forwarded-For").toString()).isEqualTo("[\"127.0.0.1\"]");
        assertThat(headers.path("X-Forwarded-Proto").toString()).isEqualTo("[\"http\"]");
        assertThat(headers.path("X-Forwarded-Host").toString()).isEqualTo("[\"127.0.0.1\"]");
        assertThat(headers.has("X-Real-IP")).isFalse();
        assertThat(headers.has("Forwarded")).isFalse();
        assertThat(headers.has("X-HTTP-Method-Override")).isFalse();
    }

    @Test
    void aLocalResponseDoesNotEchoRequestHeadersBack() {
        var response = get("/local", "Authorization: Bearer secret-token", "Cookie: session=secret");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("hello");
        assertThat(response.header("Authorization")).isNull();
        assertThat(response.header("Cookie")).isNull();
    }

    @Test
    void aRouteComposedOfTheKameletsAuthenticatesAuthorizesAndProxies() throws Exception {
        var allowed = get("/composed/x", "Authorization: Bearer " + alice, "X-Forwarded-User: mallory");
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(json(allowed).path("path").asText()).isEqualTo("/x");
        assertThat(json(allowed).at("/headers/X-Forwarded-User").toString()).isEqualTo("[\"alice\"]");
        assertThat(get("/composed/x", "Authorization: Bearer " + bob).status()).isEqualTo(403);
        assertThat(get("/composed/x").status()).isEqualTo(401);
    }

    // ---- decisions ------------------------------------------------------------------------------------------

    @Test
    void deniesWithoutTokenWithAChallengeAndAudits() {
        var response = get("/echo/");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"drawbridge\"");
        // the stable reason code (the policy's explain level, requirement by default, allows it), not the detail
        assertThat(response.text()).contains(response.header("X-Request-Id")).contains("\"reason\":\"token-missing\"");
        JsonNode audit = gateway.audit(response.header("X-Request-Id"));
        assertThat(audit.path("decision").asText()).isEqualTo("deny");
        assertThat(audit.path("reason").asText()).isEqualTo("token-missing");
    }

    @Test
    void deniesAnExpiredTokenAsInvalid() {
        String expired = minter.token("alice", List.of("sre"), b -> b.expirationTime(
                java.util.Date.from(java.time.Instant.now().minusSeconds(3600))));
        var response = get("/echo/", "Authorization: Bearer " + expired);
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        assertThat(gateway.audit(response.header("X-Request-Id")).path("reason").asText()).isEqualTo("token-expired");
    }

    @Test
    void deniesAnotherGroupWith403AndTheReasonCodeButNotTheDetail() {
        int before = upstream.seen().size();
        var response = get("/app/private", "Authorization: Bearer " + bob);
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.text()).contains("\"reason\":\"group-missing\"").doesNotContain("sre")
                .doesNotContain("sales");
        assertThat(upstream.seen()).hasSize(before);
        JsonNode audit = gateway.audit(response.header("X-Request-Id"));
        assertThat(audit.path("decision").asText()).isEqualTo("deny");
        assertThat(audit.path("reason").asText()).isEqualTo("group-missing");
        assertThat(audit.path("subject").asText()).isEqualTo("bob");
        assertThat(audit.path("email").asText()).isEqualTo("bob@example.com");
    }

    @Test
    void bodiesTheGatewayWritesItselfAreCountedInBytesOut() {
        var unauthenticated = get("/echo/");
        var denied = get("/app/private", "Authorization: Bearer " + bob);
        var noRoute = get("/nowhere");
        var local = get("/local");
        for (var response : List.of(unauthenticated, denied, noRoute, local)) {
            assertThat(response.body()).isNotEmpty();
            assertThat(gateway.audit(response.header("X-Request-Id")).path("bytesOut").asLong())
                    .as("bytesOut of the %d response", response.status())
                    .isEqualTo(response.body().length);
        }
    }

    @Test
    void aSpaceDelimitedScopeClaimGrantsEachOfItsScopes() {
        String reader = minter.token("carol", List.of(), b -> b.claim("scope", "openid read:x write:x"));
        var response = get("/scoped/x", "Authorization: Bearer " + reader);
        assertThat(response.status()).isEqualTo(200);
        assertThat(gateway.audit(response.header("X-Request-Id")).path("reason").asText()).isEqualTo("rule-matched");
    }

    @Test
    void aMissingScopeIs403WithAnInsufficientScopeChallenge() {
        String writer = minter.token("carol", List.of(), b -> b.claim("scope", "openid write:x"));
        var response = get("/scoped/x", "Authorization: Bearer " + writer);
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.header("WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"drawbridge\", error=\"insufficient_scope\", scope=\"read:x\"");
        JsonNode audit = gateway.audit(response.header("X-Request-Id"));
        assertThat(audit.path("decision").asText()).isEqualTo("deny");
        assertThat(audit.path("reason").asText()).isEqualTo("scope-missing");
        assertThat(audit.path("subject").asText()).isEqualTo("carol");
    }

    @Test
    void aRouteWithoutAnAuthorizeStepDeniesEveryone() {
        int before = upstream.seen().size();
        var response = get("/forgot/x", "Authorization: Bearer " + alice);
        assertThat(response.status()).isEqualTo(403);
        assertThat(upstream.seen()).hasSize(before);
        assertThat(gateway.audit(response.header("X-Request-Id")).path("reason").asText()).isEqualTo("no-policy");
    }

    @Test
    void answers404ForNoRouteAndAuditsIt() {
        var response = get("/nowhere");
        assertThat(response.status()).isEqualTo(404);
        JsonNode audit = gateway.audit(response.header("X-Request-Id"));
        assertThat(audit.path("decision").asText()).isEqualTo("error");
        assertThat(audit.path("reason").asText()).isEqualTo("no-route");
    }

    @Test
    void routesByHost() throws Exception {
        var tools = RawHttp.exchange(gateway.port(), "GET /anything HTTP/1.1\r\nHost: tools.example.com\r\n\r\n");
        assertThat(tools.status()).isEqualTo(200);
        assertThat(json(tools).path("path").asText()).isEqualTo("/anything");
        var other = RawHttp.exchange(gateway.port(), "GET /anything HTTP/1.1\r\nHost: other.example.com\r\n\r\n");
        assertThat(other.status()).isEqualTo(404);
    }

    // ---- paths ----------------------------------------------------------------------------------------------

    @Test
    void decidesAndForwardsOnTheSameNormalizedPath() {
        assertThat(get("/open/a/./b/../c//d").header("X-Seen-Uri")).isEqualTo("/a/c/d");
        assertThat(get("/open/%61bc").header("X-Seen-Uri")).isEqualTo("/abc");
        // ".." that climbs out of the route's prefix leaves the route: nothing matches the result.
        assertThat(get("/open/%2e%2e/echo/").status()).isEqualTo(401);
        assertThat(get("/open/..%2fecho").status()).isEqualTo(400);
        assertThat(get("/open/a%2fb").status()).isEqualTo(400);
        assertThat(get("/open/a%5cb").status()).isEqualTo(400);
        assertThat(get("/open/a%00b").status()).isEqualTo(400);
        assertThat(get("/open/a%252e%252e/b").status()).isEqualTo(400);
        assertThat(get("/open/a;jsessionid=1").status()).isEqualTo(400);
    }

    // ---- upstream failures ----------------------------------------------------------------------------------

    @Test
    void anUnreachableUpstreamIs502WithARequestId() throws Exception {
        var response = get("/dead/x");
        assertThat(response.status()).isEqualTo(502);
        String id = response.header("X-Request-Id");
        assertThat(id).isNotBlank();
        assertThat(json(response).path("requestId").asText()).isEqualTo(id);
        JsonNode audit = gateway.audit(id);
        assertThat(audit.path("decision").asText()).isEqualTo("error");
        assertThat(audit.path("reason").asText()).isEqualTo("upstream-unreachable");
    }

    @Test
    void aSlowUpstreamIs504WithARequestId() {
        var response = get("/slowapp/slow?ms=5000");
        assertThat(response.status()).isEqualTo(504);
        assertThat(gateway.audit(response.header("X-Request-Id")).path("reason").asText())
                .isEqualTo("upstream-timeout");
    }

    @Test
    void anUpstreamThatBreaksOffClosesTheClientConnectionAndIsAudited() {
        try (var http = new RawHttp(gateway.port())) {
            http.send("GET /open/broken HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            String raw = new String(http.input().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(raw).startsWith("HTTP/1.1 200").contains("content-length: 1000");
            assertThat(raw.substring(raw.indexOf("\r\n\r\n") + 4)).hasSize(10); // cut off, then closed
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline && gateway.auditRecords().stream()
                .noneMatch(r -> r.path("path").asText().equals("/open/broken"))) {
            Thread.onSpinWait();
        }
        assertThat(gateway.auditRecords()).filteredOn(r -> r.path("path").asText().equals("/open/broken"))
                .singleElement().satisfies(r -> {
                    assertThat(r.path("decision").asText()).isEqualTo("error");
                    assertThat(r.path("reason").asText()).isEqualTo("upstream-reset");
                });
    }

    // ---- upgrades and event streams -------------------------------------------------------------------------

    @Test
    void tunnelsAWebSocketOnARouteThatAllowsIt() throws Exception {
        var received = new java.util.concurrent.CompletableFuture<String>();
        var ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + gateway.port() + "/wsapp/ws"),
                        new java.net.http.WebSocket.Listener() {
                            @Override
                            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket socket,
                                    CharSequence data, boolean last) {
                                received.complete(data.toString());
                                return null;
                            }
                        })
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendText("hi", true).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(received.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("echo: hi");
        ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void doesNotUpgradeOnARouteThatDoesNotAllowIt() {
        var response = get("/open/ws", "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
        assertThat(response.status()).isNotEqualTo(101);
        assertThat(response.header("Upgrade")).isNull();
    }

    @Test
    void aDroppedUpgradeSaysWhyInTheAuditAndOnceInTheLog() {
        var logged = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Upgrades.class);
        var appender = new ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent>() {
            @Override
            protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
                logged.add(event.getLevel() + " " + event.getFormattedMessage());
            }
        };
        appender.start();
        logger.addAppender(appender);
        try {
            for (int i = 0; i < 3; i++) { // a notebook page reconnecting its kernel channel
                var response = get("/plainws/api/kernels/k1/channels", "Connection: Upgrade", "Upgrade: websocket",
                        "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
                assertThat(response.status()).isNotEqualTo(101);
                JsonNode audit = gateway.audit(response.header("X-Request-Id"));
                assertThat(audit.path("decision").asText()).isEqualTo("allow");
                assertThat(audit.path("detail").asText())
                        .contains("Upgrade: websocket dropped: the route has no websocket=true");
            }
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(logged).hasSize(1);
        assertThat(logged.get(0)).startsWith("WARN route plainws:").contains("websocket=true", "gateway:/plainws");

        var h2c = get("/openecho/x", "Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c",
                "HTTP2-Settings: AAMAAABkAAQAAP__");
        assertThat(h2c.status()).isEqualTo(200);
        assertThat(gateway.audit(h2c.header("X-Request-Id")).path("detail").asText())
                .contains("Upgrade: h2c dropped: only websocket upgrades are served");
    }

    @Test
    void anUpgradeOnAWebSocketRouteLeavesNoDropInTheAudit() throws Exception {
        var ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + gateway.port() + "/wsapp/ws"),
                        new java.net.http.WebSocket.Listener() { })
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(10, java.util.concurrent.TimeUnit.SECONDS);
        long deadline = System.currentTimeMillis() + 10_000;
        JsonNode record = null;
        while (record == null && System.currentTimeMillis() < deadline) {
            record = gateway.auditRecords().stream().filter(r -> r.path("route").asText().equals("ws")
                    && r.path("status").asInt() == 101).findFirst().orElse(null);
            Thread.sleep(50);
        }
        assertThat(record).isNotNull();
        assertThat(record.path("detail").asText()).doesNotContain("dropped");
    }

    private JsonNode awaitRecord(java.util.function.Predicate<JsonNode> which) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            var found = gateway.auditRecords().stream().filter(which).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such audit record");
    }

    private String shortLivedToken(int seconds) {
        return minter.token("alice", List.of("sre"), claims -> claims.expirationTime(
                java.util.Date.from(java.time.Instant.now().plusSeconds(seconds))));
    }

    @Test
    void aWebSocketEndsWhenTheTokenThatOpenedItExpiresAndTheEndIsAudited() throws Exception {
        var closed = new java.util.concurrent.CompletableFuture<String>();
        var received = new java.util.concurrent.CompletableFuture<String>();
        var ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + shortLivedToken(3))
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + gateway.port() + "/authws/ws"),
                        new java.net.http.WebSocket.Listener() {
                            @Override
                            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket socket,
                                    CharSequence data, boolean last) {
                                received.complete(data.toString());
                                socket.request(1);
                                return null;
                            }

                            @Override
                            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket socket,
                                    int status, String reason) {
                                closed.complete("closed " + status);
                                return null;
                            }

                            @Override
                            public void onError(java.net.http.WebSocket socket, Throwable error) {
                                closed.complete("ended: " + error);
                            }
                        })
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendText("hi", true).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(received.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("echo: hi");

        assertThat(closed.get(15, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
        JsonNode opened = awaitRecord(r -> r.path("route").asText().equals("authws")
                && r.path("status").asInt() == 101 && r.path("reason").asText().equals("rule-matched"));
        JsonNode ended = awaitRecord(r -> r.path("requestId").asText().equals(opened.path("requestId").asText())
                && r.path("reason").asText().equals("token-expired"));
        assertThat(ended.path("decision").asText()).isEqualTo("deny");
        assertThat(ended.path("detail").asText()).isEqualTo("upgraded connection ended: the bearer token expired");
        assertThat(ended.path("subject").asText()).isEqualTo("alice");
        assertThat(ended.path("durationMs").asLong()).isGreaterThanOrEqualTo(1000);
        assertThat(ended.path("bytesIn").asLong()).isPositive();
        assertThat(ended.path("bytesOut").asLong()).isPositive();
    }

    @Test
    void theEndOfAnUpgradedConnectionIsAuditedWithItsDurationAndBytes() throws Exception {
        var ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + gateway.port() + "/wsapp/ws"),
                        new java.net.http.WebSocket.Listener() { })
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendText("x".repeat(1000), true).get(10, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(10, java.util.concurrent.TimeUnit.SECONDS);

        JsonNode ended = awaitRecord(r -> r.path("route").asText().equals("ws")
                && r.path("reason").asText().equals("upgrade-closed") && r.path("bytesIn").asLong() >= 1000);
        assertThat(ended.path("decision").asText()).isEqualTo("allow");
        assertThat(ended.path("status").asInt()).isEqualTo(101);
        assertThat(ended.path("detail").asText()).startsWith("closed");
        assertThat(ended.path("bytesOut").asLong()).isPositive();
        assertThat(ended.has("durationMs")).isTrue();
    }

    @Test
    void anEventStreamEndsWhenTheTokenThatOpenedItExpires() throws Exception {
        String token = shortLivedToken(2);
        try (var http = new RawHttp(gateway.port())) {
            http.send("GET /app/sse?events=60&ms=500 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\n\r\n");
            var cut = http.read();
            assertThat(cut.status()).isEqualTo(200);
            assertThat(cut.text().split("data:").length - 1).as("events before the cut").isLessThan(20);
        } catch (java.io.UncheckedIOException e) {
            // a chunked body cut short: the connection closed before the last chunk, as it should
        }
        JsonNode record = awaitRecord(r -> r.path("route").asText().equals("app")
                && r.path("path").asText().equals("/app/sse") && r.path("reason").asText().equals("token-expired"));
        assertThat(record.path("decision").asText()).isEqualTo("deny");
        assertThat(record.path("detail").asText()).isEqualTo("stream ended: the bearer token expired");
    }

    @Test
    void deliversServerSentEventsAsTheyAreSent() throws Exception {
        try (var http = new RawHttp(gateway.port())) {
            http.send("GET /open/sse?events=2&ms=1500 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(http.input(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String line;
            long firstEventReadAt = 0;
            long secondEventSentAt = 0;
            while ((line = in.readLine()) != null) {
                int at = line.indexOf("data: event ");
                if (at < 0) {
                    continue;
                }
                String[] parts = line.substring(at).split(" ");
                if (parts[2].equals("1")) {
                    firstEventReadAt = System.currentTimeMillis();
                } else {
                    secondEventSentAt = Long.parseLong(parts[4]);
                    break;
                }
            }
            // Causality, not speed: the first event reached the client before the upstream had sent the second.
            assertThat(firstEventReadAt).isPositive().isLessThan(secondEventSentAt);
        }
    }

    // ---- connections ----------------------------------------------------------------------------------------

    @Test
    void pipelinedRequestsKeepTheirOwnIdentity() throws Exception {
        try (var http = new RawHttp(gateway.port())) {
            http.send("GET /echo/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice + "\r\n\r\n"
                    + "GET /echo/2 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + bob + "\r\n\r\n"
                    + "GET /echo/3 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /echo/4 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice + "\r\n\r\n");
            var first = http.read();
            var second = http.read();
            var third = http.read();
            var fourth = http.read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(json(first).at("/headers/X-Forwarded-User/0").asText()).isEqualTo("alice");
            assertThat(json(first).path("path").asText()).isEqualTo("/1");
            assertThat(second.status()).isEqualTo(403);
            assertThat(third.status()).isEqualTo(401);
            assertThat(fourth.status()).isEqualTo(200);
            assertThat(json(fourth).path("path").asText()).isEqualTo("/4");
        }
    }

    @Test
    void reusesUpstreamConnections() {
        get("/open/warm-up");
        int before = upstream.connections();
        try (var http = new RawHttp(gateway.port())) {
            for (int i = 0; i < 20; i++) {
                http.send("GET /open/again HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(http.read().status()).isEqualTo(200);
            }
        }
        assertThat(upstream.connections() - before).isLessThanOrEqualTo(2);
    }

    @Test
    void refusesAmbiguousFraming() {
        assertThat(RawHttp.exchange(gateway.port(), "POST /openecho/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!").status()).isEqualTo(400);
        assertThat(RawHttp.exchange(gateway.port(), "POST /openecho/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n").status()).isEqualTo(400);
        assertThat(RawHttp.exchange(gateway.port(), "POST /openecho/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n").status()).isEqualTo(400);
        assertThat(RawHttp.exchange(gateway.port(), "GET /openecho/ HTTP/1.1\r\n\r\n").status()).isEqualTo(400);
        assertThat(RawHttp.exchange(gateway.port(), "TRACE /openecho/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .status()).isEqualTo(405);
    }

    @Test
    void refusesABodyLargerThanTheLimitBeforeReadingIt() {
        var response = RawHttp.exchange(gateway.port(), "POST /openecho/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: 99999999999\r\n\r\n");
        assertThat(response.status()).isEqualTo(413);
    }
}
