package io.drawbridge.adversarial;

import io.drawbridge.config.IdentityHeadersConfig;
import io.drawbridge.edge.HeaderNames;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Headers a client sends to speak for the gateway: identity, forwarding and assertion headers, Camel's internal
 * headers and method overrides, in every spelling a server downstream might fold together. Every value the
 * attacker sends carries the marker {@code mallory}; the upstream must never receive it, and must receive the
 * gateway's own identity and forwarding headers intact, whatever the client named in {@code Connection}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeaderSpoofingIT {

    private static final String MARK = "mallory";

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
                "public.yaml", route("public", "/public", false, "open")), Map.of("upstream", upstream.url()));
        probe = new Probe(gateway, upstream);
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

    // ---- identity, forwarding and assertion headers ---------------------------------------------------------

    /** Every header name a client might use to speak for the gateway, concrete names for configured prefixes. */
    static Set<String> spoofableNames() {
        Set<String> names = new LinkedHashSet<>();
        for (String name : IdentityHeadersConfig.WELL_KNOWN) {
            if (name.endsWith("*")) {
                String prefix = name.substring(0, name.length() - 1);
                names.add(prefix + (prefix.endsWith("-") || prefix.endsWith("_") ? "Email" : "-Name"));
                names.add(prefix + (prefix.endsWith("-") || prefix.endsWith("_") ? "Jwt-Assertion" : ""));
            } else {
                names.add(name);
            }
        }
        names.addAll(List.of("X-Drawbridge-Assertion", "X-WEBAUTH-USER", "X-WEBAUTH-GROUPS", "X-Remote-Groups",
                "Remote-Groups", "Remote-Email", "X-Forwarded-Client-Cert", "X-SSL-Client-Cert", "X-Consumer-Username",
                "X-Userinfo", "Cf-Access-Authenticated-User-Email", "X-Authentik-Username", "X-Vouch-User"));
        names.addAll(List.of("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port",
                "X-Forwarded-Prefix", "Forwarded", "X-Real-IP", "X-Client-IP", "True-Client-IP", "X-Original-URL",
                "X-Rewrite-URL", "X-Original-URI", "X-Envoy-Original-Path", "X-Request-Id", "X-Original-Host",
                "X-Host", "X-HTTP-Host-Override", "X-Forwarded-Uri", "X-Forwarded-Server", "Client-IP"));
        names.addAll(List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override", "X-HTTP-Verb"));
        return names;
    }

    /** The ways one name can be written: letter case, {@code _} for {@code -}, repeated, named in Connection. */
    static List<String[]> spellings(String name) {
        String mixed = alternate(name);
        String underscored = name.replace('-', '_');
        String firstOnly = name.replaceFirst("-", "_");
        return List.of(
                new String[] {"as is", name + ": " + MARK},
                new String[] {"lower case", name.toLowerCase(Locale.ROOT) + ": " + MARK},
                new String[] {"upper case", name.toUpperCase(Locale.ROOT) + ": " + MARK},
                new String[] {"mixed case", mixed + ": " + MARK},
                new String[] {"_ for -", underscored + ": " + MARK},
                new String[] {"one _ for -", firstOnly.toLowerCase(Locale.ROOT) + ": " + MARK},
                new String[] {"repeated", name + ": " + MARK + "-1\r\n" + name + ": " + MARK + "-2"},
                new String[] {"named in Connection", "Connection: keep-alive, " + name + "\r\n" + name + ": " + MARK});
    }

    /** One case per name, sending it in every spelling at once (a request per spelling costs time, not cover). */
    Stream<Arguments> spoofedHeaders() {
        List<Arguments> cases = new ArrayList<>();
        for (String name : spoofableNames()) {
            StringBuilder lines = new StringBuilder();
            for (String[] spelling : spellings(name)) {
                lines.append(lines.length() == 0 ? "" : "\r\n").append(spelling[1]);
            }
            cases.add(Arguments.of(name, lines.toString()));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spoofedHeaders")
    void theUpstreamNeverReceivesASpoofedHeaderOnAProtectedRoute(String name, String headerLines) {
        var seen = probe.get("/app/x", "Authorization: Bearer " + alice, headerLines).forwarded(200);
        assertNothingFromTheClient(seen);
        assertGatewayHeaders(seen, true);
        var audit = gateway.audit(seen.all("X-Request-Id").get(0));
        assertThat(audit.path("subject").asText()).isEqualTo("alice");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spoofedHeaders")
    void theUpstreamNeverReceivesASpoofedHeaderOnAPublicRoute(String name, String headerLines) {
        var outcome = probe.get("/public/x", headerLines);
        var seen = outcome.forwarded(200);
        assertNothingFromTheClient(seen);
        assertGatewayHeaders(seen, false);
        assertThat(outcome.audit().path("reason").asText()).isEqualTo("public-route");
    }

    private static void assertNothingFromTheClient(TestUpstream.Received seen) {
        assertThat(seen.headers()).as("headers the upstream received")
                .noneMatch(h -> h.getValue().contains(MARK) || h.getKey().toLowerCase(Locale.ROOT).contains(MARK));
    }

    /** The gateway's own headers, once each, with the gateway's values, on every request. */
    private static void assertGatewayHeaders(TestUpstream.Received seen, boolean authenticated) {
        assertThat(seen.all("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(seen.all("X-Forwarded-Proto")).containsExactly("http");
        assertThat(seen.all("X-Forwarded-Host")).containsExactly("127.0.0.1");
        assertThat(seen.all("X-Request-Id")).hasSize(1);
        if (authenticated) {
            assertThat(seen.all("X-Forwarded-User")).containsExactly("alice");
            assertThat(seen.all("X-Forwarded-Preferred-Username")).containsExactly("alice");
            assertThat(seen.all("X-Forwarded-Email")).containsExactly("alice@example.com");
            assertThat(seen.all("X-Forwarded-Groups")).containsExactly("sre");
            assertThat(seen.all("X-Drawbridge-Assertion")).hasSize(1);
        } else {
            assertThat(seen.names()).map(HeaderNames::key).doesNotContain("x-forwarded-user", "x-forwarded-email",
                    "x-forwarded-groups", "x-forwarded-preferred-username", "x-drawbridge-assertion");
        }
    }

    // ---- by family: the names each product really sets ---------------------------------------------------------

    /** Real header names per family (from each product's documentation), written independently of the strip list. */
    static final Map<String, List<String>> FAMILY_EXAMPLES = Map.ofEntries(
            Map.entry("Drawbridge", List.of("X-Drawbridge-Assertion", "X-Drawbridge-User")),
            Map.entry("oauth2-proxy", List.of("X-Forwarded-User", "X-Forwarded-Groups", "X-Auth-Request-User",
                    "X-Auth-Request-Groups", "X-Auth-Request-Access-Token", "X-Forwarded-Access-Token")),
            Map.entry("Pomerium", List.of("X-Pomerium-Jwt-Assertion", "X-Pomerium-Claim-Email")),
            Map.entry("Google IAP", List.of("X-Goog-Authenticated-User-Email", "X-Goog-IAP-JWT-Assertion")),
            Map.entry("AWS ALB", List.of("X-Amzn-Oidc-Data", "X-Amzn-Oidc-Identity", "X-Amzn-Mtls-Clientcert",
                    "X-Amzn-Mtls-Clientcert-Subject")),
            Map.entry("Azure App Service", List.of("X-MS-CLIENT-PRINCIPAL", "X-MS-CLIENT-PRINCIPAL-NAME",
                    "X-MS-TOKEN-AAD-ID-TOKEN")),
            Map.entry("mod_auth_openidc", List.of("OIDC_CLAIM_email", "OIDC_access_token")),
            Map.entry("remote-user conventions (Authelia, Kubernetes, Apache)", List.of("Remote-User",
                    "Remote-Groups", "X-Remote-User", "X-Remote-Group", "X-Remote-Extra-Scopes",
                    "X-Authenticated-Userid", "X-Authenticated-Groups")),
            Map.entry("Grafana and Gitea auth proxy", List.of("X-WEBAUTH-USER", "X-WEBAUTH-EMAIL", "X-WEBAUTH-ROLE")),
            Map.entry("Kong", List.of("X-Consumer-ID", "X-Consumer-Username", "X-Consumer-Groups",
                    "X-Credential-Identifier", "X-Credential-Username", "X-Anonymous-Consumer", "X-Anonymous-Groups")),
            Map.entry("authentik and Vouch", List.of("X-Authentik-Username", "X-Authentik-Groups", "X-Vouch-User")),
            Map.entry("Traefik", List.of("X-Forwarded-Tls-Client-Cert", "X-Forwarded-Tls-Client-Cert-Info")),
            Map.entry("Envoy and Istio", List.of("X-Forwarded-Client-Cert", "X-Envoy-Internal",
                    "X-Envoy-Original-Dst-Host", "X-Envoy-Peer-Metadata", "X-Istio-Attributes")),
            Map.entry("nginx and HAProxy client certificates", List.of("SSL_CLIENT_S_DN", "SSL_CLIENT_CERT",
                    "X-SSL-Client-Cert", "X-SSL-Client-Verify", "X-SSL-Subject", "X-Client-Verify", "X-Client-DN",
                    "X-Client-S-DN", "X-Client-Certificate", "Client-Cert", "Client-Cert-Chain")),
            Map.entry("IIS, ARR and ASP.NET Core", List.of("X-ARR-ClientCert", "X-ARR-SSL", "MS-ASPNETCORE-CLIENTCERT",
                    "MS-ASPNETCORE-TOKEN")),
            Map.entry("Cloudflare", List.of("Cf-Access-Authenticated-User-Email", "Cf-Access-Jwt-Assertion",
                    "Cf-Connecting-IP", "Cf-Client-Cert-Sha256", "Cf-Ipcountry")),
            Map.entry("Akamai", List.of("Akamai-Origin-Hop", "Akamai-User-Risk", "X-Akamai-Edgescape",
                    "True-Client-IP")),
            Map.entry("Fastly", List.of("Fastly-Client-IP", "Fastly-SSL", "Fastly-Client-Cert")));

    Stream<Arguments> families() {
        return io.drawbridge.config.ForbiddenHeaderFamilies.FAMILIES.keySet().stream()
                .map(family -> Arguments.of(family, FAMILY_EXAMPLES.get(family)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void noHeaderOfAFamilyReachesTheUpstreamInAnySpelling(String family, List<String> examples) {
        assertThat(examples).as("examples for " + family).isNotNull();
        StringBuilder lines = new StringBuilder();
        for (String name : examples) {
            for (String[] spelling : spellings(name)) {
                lines.append(lines.length() == 0 ? "" : "\r\n").append(spelling[1]);
            }
        }
        var seen = probe.get("/app/x", "Authorization: Bearer " + alice, lines.toString()).forwarded(200);
        assertNothingFromTheClient(seen);
        assertGatewayHeaders(seen, true);
    }

    @Test
    void everyFamilyWithExamplesIsInTheStripList() {
        assertThat(io.drawbridge.config.ForbiddenHeaderFamilies.FAMILIES.keySet())
                .containsExactlyInAnyOrderElementsOf(FAMILY_EXAMPLES.keySet());
    }

    // ---- Camel's own headers ---------------------------------------------------------------------------------

    Stream<Arguments> camelHeaders() {
        Map<String, String> headers = Map.ofEntries(
                Map.entry("CamelHttpUri", "http://127.0.0.1:1/" + MARK),
                Map.entry("CamelHttpMethod", "DELETE"),
                Map.entry("CamelHttpPath", "/" + MARK),
                Map.entry("CamelHttpQuery", MARK + "=1"),
                Map.entry("CamelHttpRawQuery", MARK + "=1"),
                Map.entry("CamelHttpResponseCode", "599"),
                Map.entry("CamelHttpUrl", "http://127.0.0.1:1/" + MARK),
                Map.entry("CamelExecCommandExecutable", "/bin/" + MARK),
                Map.entry("CamelExecCommandArgs", MARK),
                Map.entry("CamelBeanMethodName", MARK),
                Map.entry("CamelFileName", "../../" + MARK),
                Map.entry("CamelSqlQuery", "drop table " + MARK),
                Map.entry("CamelJmsDestinationName", MARK),
                Map.entry("CamelAuthentication", MARK),
                Map.entry("org.apache.camel.Mallory", MARK));
        List<Arguments> cases = new ArrayList<>();
        for (var header : headers.entrySet()) {
            String name = header.getKey();
            StringBuilder lines = new StringBuilder();
            for (String spelling : List.of(name, name.toLowerCase(Locale.ROOT), name.toUpperCase(Locale.ROOT),
                    alternate(name), name.replaceFirst("^(?i)camel", "cAmEl"))) {
                lines.append(lines.length() == 0 ? "" : "\r\n").append(spelling).append(": ").append(header.getValue());
            }
            cases.add(Arguments.of(name, lines.toString()));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("camelHeaders")
    void camelHeadersInAnyCaseNeitherSteerTheExchangeNorCrossTheGateway(String name, String headerLines) {
        for (String route : List.of("/public/x", "/app/x")) {
            var outcome = probe.get(route, "Authorization: Bearer " + alice, headerLines);
            var seen = outcome.forwarded(200);
            assertThat(seen.method()).isEqualTo("GET");
            assertThat(seen.uri()).isEqualTo("/x");
            assertThat(seen.names()).noneMatch(HeaderNames::isCamelInternal);
            assertNothingFromTheClient(seen);
            assertThat(outcome.response().headers()).noneMatch(h -> HeaderNames.isCamelInternal(h[0]));
        }
    }

    @Test
    void camelHeaderNamesInTheQueryOrAFormBodyAreDataNotHeaders() {
        var query = probe.get("/public/x?CamelHttpMethod=DELETE&CamelHttpPath=/" + MARK
                + "&camelhttpuri=http://127.0.0.1:1/").forwarded(200);
        assertThat(query.method()).isEqualTo("GET");
        assertThat(query.uri()).isEqualTo("/x?CamelHttpMethod=DELETE&CamelHttpPath=/" + MARK
                + "&camelhttpuri=http://127.0.0.1:1/");
        assertThat(query.names()).noneMatch(HeaderNames::isCamelInternal);

        String body = "CamelHttpMethod=DELETE&CamelHttpUri=http%3A%2F%2F127.0.0.1%3A1%2F";
        var form = probe.send("POST /public/form HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body).forwarded(200);
        assertThat(form.method()).isEqualTo("POST");
        assertThat(form.uri()).isEqualTo("/form");
        assertThat(form.names()).noneMatch(HeaderNames::isCamelInternal);
    }

    // ---- method overrides and what Connection may drop -------------------------------------------------------

    @Test
    void aMethodOverrideCannotTurnAnAllowedMethodIntoAnother() {
        for (String override : List.of("X-HTTP-Method-Override", "x-http-method", "X_Method_Override", "X-HTTP-VERB")) {
            var seen = probe.get("/readonly/x", "Authorization: Bearer " + alice, override + ": DELETE")
                    .forwarded(200);
            assertThat(seen.method()).isEqualTo("GET");
            assertThat(seen.names()).map(HeaderNames::key).noneMatch(n -> n.contains("method") || n.contains("verb"));
            // and the policy judges the method on the wire, not the one a header claims
            probe.send("DELETE /readonly/x HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice + "\r\n"
                    + override + ": GET\r\n\r\n").refused(403, "method-not-allowed");
        }
    }

    @Test
    void namingTheAuthorizationHeaderInConnectionFailsClosed() {
        probe.get("/app/x", "Connection: Authorization", "Authorization: Bearer " + alice)
                .refused(401, "token-missing");
    }

    @Test
    void hopByHopHeadersAreNotForwarded() {
        var seen = probe.get("/public/x", "Keep-Alive: timeout=5, " + MARK, "TE: trailers", "Trailer: X-" + MARK,
                "Proxy-Authorization: Basic " + MARK, "Proxy-Connection: keep-alive", "Upgrade: " + MARK,
                "Connection: Upgrade, X-Private", "X-Private: " + MARK).forwarded(200);
        assertThat(seen.names()).map(HeaderNames::key).doesNotContain("keep-alive", "te", "trailer",
                "proxy-authorization", "proxy-connection", "upgrade", "x-private");
        assertNothingFromTheClient(seen);
    }

    private static String alternate(String name) {
        var sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(i % 2 == 0 ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return sb.toString();
    }
}
