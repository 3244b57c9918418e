package io.drawbridge.adversarial;

import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paths and hosts written to make the gateway judge one resource and forward another. The portal route denies
 * {@code /portal/admin/**} to everyone and strips its prefix; the api route rewrites its prefix and denies
 * {@code /api/secret/**}; admin.example.com is a host-only route for admins. Every case states the status, what
 * the upstream received (nothing, or exactly the normalized path), and the audit record, whose path is the one
 * the decision was made on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathAttacksIT {

    private final TokenMinter minter = new TokenMinter();
    private final TestUpstream upstream = new TestUpstream();
    private GatewayFixture gateway;
    private Probe probe;
    private String alice;

    @BeforeAll
    void start(@TempDir Path dir) {
        minter.writeJwks(dir.resolve("jwks.json"));
        alice = minter.token("alice", List.of("sre"));
        gateway = GatewayFixture.start(dir, """
                @TEST_ISSUER@
                policies:
                  portal:
                    deny:
                      - name: admin-area
                        paths: [/portal/admin, /portal/admin/**]
                    allow:
                      - groups: [sre]
                  api:
                    deny:
                      - name: secret
                        paths: [/api/secret, /api/secret/**]
                    allow:
                      - groups: [sre]
                  admins:
                    allow:
                      - groups: [admins]
                  open:
                    public: true
                """, Map.of(
                "portal.yaml", route("portal", "gateway:/portal", "portal", "stripPrefix=true"),
                "api.yaml", route("api", "gateway:/api", "api", "rewritePrefix=/internal"),
                "admin.yaml", route("admin", "gateway:/?host=admin.example.com", "admins", "preserveHost=false"),
                "www.yaml", HeaderSpoofingIT.route("www", "/?host=www.example.com", false, "open"),
                "public.yaml", HeaderSpoofingIT.route("public", "/public", false, "open")),
                Map.of("upstream", upstream.url()));
        probe = new Probe(gateway, upstream);
    }

    private static String route(String id, String from, String policy, String proxyOption) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "%s"
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=%s
                        - to: "drawbridge:proxy?upstream={{upstream}}&%s"
                """.formatted(id, from, policy, proxyOption);
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
    }

    private String token() {
        return "Authorization: Bearer " + alice;
    }

    // ---- the deny rule cannot be walked around ---------------------------------------------------------------

    static Stream<String> pathsToTheAdminArea() {
        return Stream.of("/portal/admin", "/portal/admin/", "/portal/admin/users", "/portal//admin/users",
                "/portal/./admin/users", "/portal/x/../admin/users", "/portal/x/%2e%2e/admin", "/portal/x/%2E%2E/admin",
                "/portal/x/.%2e/admin", "/portal/x/%2e./admin", "/portal/%2e/admin", "/portal/%61dmin/users",
                "/portal/adm%69n", "/portal/%61%64%6D%69%6E", "/portal/admin/./", "/portal/admin/x/..",
                "//portal/admin", "///portal///admin", "/portal/admin//", "/portal/x/y/../../admin",
                "/portal/x/..//admin", "/portal/admin?next=../../public", "/public/../portal/admin",
                "/public/%2e%2e/portal/admin", "/api/../portal/admin", "http://127.0.0.1/portal/admin",
                "HTTP://127.0.0.1:80/portal/admin", "http://127.0.0.1/portal/x/../admin");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pathsToTheAdminArea")
    void theDenyRuleHoldsWhateverTheSpelling(String target) {
        var outcome = probe.get(target, token()).refused(403, "deny-rule-matched");
        assertThat(outcome.audit().path("path").asText()).startsWith("/portal/admin");
        assertThat(outcome.audit().path("route").asText()).isEqualTo("portal");
    }

    static Stream<String> ambiguousTargets() {
        return Stream.of("/portal/admin%2fusers", "/portal/admin%2Fusers", "/portal/x%2f..%2fadmin",
                "/portal/x%5c..%5cadmin", "/portal/x%5C..%5Cadmin", "/portal/x\\..\\admin", "/portal/%252e%252e/admin",
                "/portal/%25%32%65%25%32%65/admin", "/portal/x/%252f/admin", "/portal/admin;jsessionid=x",
                "/portal;x=y/admin", "/portal/..;/admin", "/portal/admin%3bx", "/portal/admin%3Bx", "/portal/admin%00",
                "/portal/admin%00.html", "/portal/%c0%ae%c0%ae/admin", "/portal/%c0%afadmin",
                "/portal/%e0%80%ae%e0%80%ae/admin", "/portal/%ff", "/portal/%ed%a0%80", "/portal/admin%23",
                "/portal/admin%3f", "/portal/admin%3F.css", "/portal/admin%", "/portal/admin%2", "/portal/admin%zz",
                "/portal/admin%u002e", "/portal/admin%09", "/portal/admin%0d%0aX-Injected:%201", "/portal/admin%7f",
                "/../portal/admin", "/portal/../../admin", "/portal/admin.", "/portal/admin..",
                "/portal/admin...", "/portal/admin%2e", "/portal/admin%20", "/portal/admin.%20", "/portal/admin./users",
                "/portal/admin%20/users", "portal/admin", "*", "http://127.0.0.1@evil.test/portal/admin",
                "http://evil.test:99999/portal/admin", "http:///portal/admin", "ftp://127.0.0.1/portal/admin",
                "//127.0.0.1/portal/admin/../x?%zz",
                // Unicode compatibility forms that NFKC-normalizing upstreams read as "..", "." or "/"
                "/portal/x/%E2%80%A5/admin", "/portal/x/%EF%BC%8E%EF%BC%8E/admin", "/portal/x%EF%BC%8F..%EF%BC%8Fadmin",
                "/portal/x/%E2%80%A4%E2%80%A4/admin", "/portal/x/%EF%B9%92%EF%B9%92/admin", "/portal/admin%EF%BC%8E",
                "/portal/x%EF%BC%BC..%EF%BC%BCadmin", "/portal/%E2%80%A6/admin", "/portal/admin%EF%BC%9Bx",
                "/portal/admin%EF%BC%9Fx", "/portal/admin%EF%BC%83x", "/portal/admin%EF%BC%85",
                // ports no two servers read alike
                "http://127.0.0.1:0/portal/admin", "http://127.0.0.1:080/portal/admin");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ambiguousTargets")
    void whatCannotBeNormalizedUnambiguouslyIsRefused(String target) {
        probe.get(target, token()).refused(400, null);
    }

    static Stream<String> rawTargetsNettyMustRefuse() {
        return Stream.of("/portal/admin\u0000", "/portal/ad min", "/portal/admin#x", "/portal/x#/../admin",
                "/portal/\u00e9", "/portal/\u00c0\u00ae", "/portal/\u007f");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawTargetsNettyMustRefuse")
    void rawControlAndNonAsciiBytesInTheTargetAreRefused(String target) {
        var outcome = probe.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + token() + "\r\n\r\n");
        assertThat(outcome.status()).isEqualTo(400);
        assertThat(outcome.upstreamSaw()).isEmpty();
        assertThat(outcome.audit().path("decision").asText()).isEqualTo("error");
    }

    // ---- what passes reaches the upstream exactly as judged --------------------------------------------------

    static Stream<Arguments> allowedTargets() {
        return Stream.of(
                Arguments.of("/portal/x", "/x", "/portal/x"),
                Arguments.of("/portal", "/", "/portal"),
                Arguments.of("/portal/", "/", "/portal/"),
                Arguments.of("/portal/a/./b/../c", "/a/c", "/portal/a/c"),
                Arguments.of("/portal/a//b///c/", "/a/b/c/", "/portal/a/b/c/"),
                Arguments.of("/portal/%7Euser/%41", "/~user/A", "/portal/~user/A"),
                Arguments.of("/portal/caf%c3%a9", "/caf%C3%A9", "/portal/caf%C3%A9"),
                Arguments.of("/portal/%E6%97%A5%E6%9C%AC", "/%E6%97%A5%E6%9C%AC", "/portal/%E6%97%A5%E6%9C%AC"),
                Arguments.of("/portal/a%20b", "/a%20b", "/portal/a%20b"),
                Arguments.of("/portal/x?q=%2f..%2f&r=a;b", "/x?q=%2f..%2f&r=a;b", "/portal/x"),
                Arguments.of("/portal/Admin", "/Admin", "/portal/Admin"),
                Arguments.of("/portal/administrator", "/administrator", "/portal/administrator"),
                Arguments.of("/portal/v1.2/file.tar.gz", "/v1.2/file.tar.gz", "/portal/v1.2/file.tar.gz"),
                Arguments.of("/portal/.well-known/x", "/.well-known/x", "/portal/.well-known/x"),
                Arguments.of("http://127.0.0.1/portal/x", "/x", "/portal/x"),
                Arguments.of("/api/x", "/internal/x", "/api/x"),
                Arguments.of("/api", "/internal/", "/api"),
                Arguments.of("/api/x/../y", "/internal/y", "/api/y"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowedTargets")
    void theUpstreamGetsThePathThePolicyJudged(String target, String upstreamUri, String judgedPath) {
        var outcome = probe.get(target, token());
        var seen = outcome.forwarded(200);
        assertThat(seen.uri()).isEqualTo(upstreamUri);
        assertThat(outcome.audit().path("path").asText()).isEqualTo(judgedPath);
    }

    static Stream<String> pathsToTheSecretBehindARewrite() {
        return Stream.of("/api/secret", "/api/secret/x", "/api/public/../secret/x", "/api/%73ecret/x", "/api//secret",
                "/api/./secret/", "/portal/../api/secret", "http://127.0.0.1/api/secret/x");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pathsToTheSecretBehindARewrite")
    void aPolicyOnASubPathHoldsThroughAPrefixRewrite(String target) {
        probe.get(target, token()).refused(403, "deny-rule-matched");
    }

    static Stream<String> noRoute() {
        return Stream.of("/portalx/admin", "/PORTAL/admin", "/Portal/admin", "/portal%2fadmin", "/api.", "/ap%69x");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noRoute")
    void routePrefixesMatchWholeSegmentsExactly(String target) {
        var outcome = probe.get(target, token());
        assertThat(outcome.status()).isIn(400, 404);
        assertThat(outcome.upstreamSaw()).isEmpty();
        assertThat(outcome.audit().path("decision").asText()).isEqualTo("error");
    }

    // ---- hosts -----------------------------------------------------------------------------------------------

    static Stream<Arguments> waysToAddressTheAdminHost() {
        return Stream.of(
                Arguments.of("Host", "GET /x HTTP/1.1\r\nHost: admin.example.com\r\n"),
                Arguments.of("Host in upper case", "GET /x HTTP/1.1\r\nHost: ADMIN.EXAMPLE.COM\r\n"),
                Arguments.of("Host with a trailing dot", "GET /x HTTP/1.1\r\nHost: admin.example.com.\r\n"),
                Arguments.of("Host with a port", "GET /x HTTP/1.1\r\nHost: admin.example.com:8443\r\n"),
                Arguments.of("absolute-form over another Host",
                        "GET http://admin.example.com/x HTTP/1.1\r\nHost: www.example.com\r\n"),
                Arguments.of("absolute-form in upper case, trailing dot",
                        "GET HTTP://ADMIN.example.com./x HTTP/1.1\r\nHost: www.example.com\r\n"),
                Arguments.of("absolute-form without Host", "GET http://admin.example.com/x HTTP/1.1\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("waysToAddressTheAdminHost")
    void everySpellingOfTheAdminHostReachesTheAdminRouteAndItsPolicy(String name, String head) {
        probe.send(head + "\r\n").refused(401, "token-missing");
        var denied = probe.send(head + token() + "\r\n\r\n").refused(403, "group-missing");
        assertThat(denied.audit().path("route").asText()).isEqualTo("admin");
        assertThat(denied.audit().path("host").asText()).isEqualTo("admin.example.com");
    }

    static Stream<Arguments> forwardedHostsFromAnUntrustedClient() {
        return Stream.of(
                Arguments.of("X-Forwarded-Host", "X-Forwarded-Host: admin.example.com"),
                Arguments.of("x_forwarded_host", "x_forwarded_host: admin.example.com"),
                Arguments.of("Forwarded host=", "Forwarded: host=admin.example.com;proto=https"),
                Arguments.of("X-Original-Host", "X-Original-Host: admin.example.com"),
                Arguments.of("X-Host", "X-Host: admin.example.com"),
                Arguments.of("X-HTTP-Host-Override", "X-HTTP-Host-Override: admin.example.com"),
                Arguments.of("X-Forwarded-Server", "X-Forwarded-Server: admin.example.com"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forwardedHostsFromAnUntrustedClient")
    void forwardedHostHeadersFromAnUntrustedPeerDoNotRoute(String name, String header) {
        var outcome = probe.send("GET /x HTTP/1.1\r\nHost: www.example.com\r\n" + header + "\r\n\r\n");
        var seen = outcome.forwarded(200);
        assertThat(outcome.audit().path("route").asText()).isEqualTo("www");
        assertThat(seen.all("X-Forwarded-Host")).containsExactly("www.example.com");
        assertThat(seen.headers()).noneMatch(h -> h.getValue().contains("admin.example.com"));
    }

    static Stream<Arguments> ambiguousHosts() {
        return Stream.of(
                Arguments.of("two Host headers", "Host: admin.example.com\r\nHost: www.example.com"),
                Arguments.of("two hosts in one", "Host: admin.example.com, www.example.com"),
                Arguments.of("userinfo", "Host: www.example.com@admin.example.com"),
                Arguments.of("a path", "Host: admin.example.com/x"),
                Arguments.of("a backslash", "Host: admin.example.com\\x"),
                Arguments.of("a space", "Host: admin.example.com www.example.com"),
                Arguments.of("empty", "Host: "),
                Arguments.of("a bad port", "Host: admin.example.com:http"),
                Arguments.of("an encoded dot", "Host: admin%2eexample.com"),
                Arguments.of("a port out of range", "Host: admin.example.com:65536"),
                Arguments.of("port 0", "Host: admin.example.com:0"),
                Arguments.of("port 00000", "Host: admin.example.com:00000"),
                Arguments.of("a port with a leading zero", "Host: admin.example.com:080"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ambiguousHosts")
    void anAmbiguousHostIsRefused(String name, String hostLines) {
        probe.send("GET /public/x HTTP/1.1\r\n" + hostLines + "\r\n" + token() + "\r\n\r\n").refused(400, null);
    }
}
