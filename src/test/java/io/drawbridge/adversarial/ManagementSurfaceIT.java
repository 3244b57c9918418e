package io.drawbridge.adversarial;

import io.drawbridge.authn.IssuersCheck;
import io.drawbridge.config.ConfigLoader;
import io.drawbridge.config.InvalidConfiguration;
import io.drawbridge.config.ManagementConfig;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The management surface (health, metrics, Jolokia, Hawtio) lives on a socket of its own, bound to loopback by
 * default. Through the data port no path, host, absolute-form target or header reaches it: requests for its paths
 * go where any other request would (a route's upstream, or 404). On its own port, Jolokia and Hawtio demand the
 * configured credentials while health and metrics stay open for probes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementSurfaceIT {

    private static final String USER = "ops";
    private static final String PASSWORD = "correct-horse-battery";

    private final TokenMinter minter = new TokenMinter();
    private final TestUpstream upstream = new TestUpstream();
    private GatewayFixture gateway;
    private Probe probe;
    private int management;

    @BeforeAll
    void start(@TempDir Path dir) {
        minter.writeJwks(dir.resolve("jwks.json"));
        gateway = GatewayFixture.start(dir, """
                management:
                  port: 0
                  hawtio: true
                  username: ops
                  password: ${DRAWBRIDGE_TEST_MANAGEMENT_PASSWORD:-%s}
                  allowedHosts: [drawbridge-management.ops.svc]
                @TEST_ISSUER@
                policies:
                  open:
                    public: true
                  sre:
                    allow:
                      - groups: [sre]
                """.formatted(PASSWORD), Map.of(
                "public.yaml", HeaderSpoofingIT.route("public", "/public", false, "open"),
                "app.yaml", HeaderSpoofingIT.route("app", "/app", true, "sre"),
                "tools.yaml", HeaderSpoofingIT.route("tools", "/?host=tools.example.com", false, "open")),
                Map.of("upstream", upstream.url()));
        probe = new Probe(gateway, upstream);
        management = gateway.gateway().managementPort();
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
    }

    static Stream<String> managementPaths() {
        return Stream.of("/health/live", "/health/ready", "/metrics", "/jolokia/", "/jolokia/version",
                "/jolokia/read/java.lang:type=Runtime", "/jolokia/exec/java.lang:type=Memory/gc", "/hawtio/",
                "/hawtio/jolokia/version", "/actuator", "/q/health", "/admin", "/debug/pprof");
    }

    Stream<Arguments> managementTricks() {
        String mgmt = "127.0.0.1:" + management;
        return managementPaths().flatMap(path -> Stream.of(
                Arguments.of(path, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of(path + " with the management Host", "GET " + path + " HTTP/1.1\r\nHost: " + mgmt + "\r\n\r\n"),
                Arguments.of(path + " as localhost", "GET " + path + " HTTP/1.1\r\nHost: localhost:" + management
                        + "\r\n\r\n"),
                Arguments.of(path + " in absolute form", "GET http://" + mgmt + path + " HTTP/1.1\r\nHost: 127.0.0.1"
                        + "\r\n\r\n"),
                Arguments.of(path + " with forwarded host and port", "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "X-Forwarded-Host: " + mgmt + "\r\nX-Forwarded-Port: " + management + "\r\n\r\n"),
                Arguments.of(path + " behind a dot-dot", "GET /public/.." + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of(path + " with a Camel URI header", "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "CamelHttpUri: http://" + mgmt + path + "\r\n\r\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("managementTricks")
    void theDataPortNeverServesTheManagementSurface(String name, String request) {
        var outcome = probe.send(request);
        assertThat(outcome.status()).isIn(400, 404);
        assertThat(outcome.upstreamSaw()).isEmpty();
        assertThat(outcome.audit().path("decision").asText()).isEqualTo("error");
        assertNotManagement(outcome.response());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("managementPaths")
    void aRouteForAnyPathProxiesManagementPathsToItsUpstreamOnly(String path) {
        var outcome = probe.send("GET http://127.0.0.1:" + management + path + " HTTP/1.1\r\nHost: tools.example.com"
                + "\r\nX-Forwarded-Host: 127.0.0.1:" + management + "\r\n\r\n");
        outcome.refused(404, "no-route"); // the absolute form names the host: no route for 127.0.0.1 serves it
        var viaHost = probe.send("GET " + path + " HTTP/1.1\r\nHost: tools.example.com\r\nCamelHttpUri: http://127.0.0.1:"
                + management + path + "\r\n\r\n");
        var seen = viaHost.forwarded(200);
        assertThat(seen.uri()).isEqualTo(path);
        assertThat(viaHost.response().text()).isEqualTo("ok"); // the upstream's answer, not management's
        assertNotManagement(outcome.response());
    }

    private static void assertNotManagement(RawHttp.Response response) {
        assertThat(response.text()).doesNotContain("\"agent\"", "# TYPE", "jvm_", "\"status\":\"UP\"", "hawtio");
        assertThat(response.headers()).noneMatch(h -> h[0].equalsIgnoreCase("WWW-Authenticate")
                && h[1].contains("drawbridge-management"));
    }

    // ---- the management port itself -------------------------------------------------------------------------

    @Test
    void managementIsOnLoopbackByDefault() throws Exception {
        assertThat(ManagementConfig.defaults().host()).isEqualTo("127.0.0.1");
        assertThat(management).isPositive().isNotEqualTo(gateway.port());
        InetAddress outside = nonLoopbackAddress();
        if (outside != null) { // a machine without another interface has nothing to prove here
            try (var socket = new Socket()) {
                assertThatThrownBy(() -> socket.connect(new InetSocketAddress(outside, management), 2000))
                        .isInstanceOf(IOException.class);
            }
        }
    }

    static Stream<Arguments> guardedPaths() {
        return Stream.of(Arguments.of("/jolokia/version"), Arguments.of("/jolokia/read/java.lang:type=Runtime"),
                Arguments.of("/JOLOKIA/version"), Arguments.of("/jolokia/../jolokia/version"),
                Arguments.of("/health/../jolokia/version"), Arguments.of("/%6aolokia/version"),
                Arguments.of("/jolokia;x=1/version"), Arguments.of("/hawtio/"), Arguments.of("/hawtio/jolokia/version"),
                Arguments.of("/hawtio/../jolokia/version"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guardedPaths")
    void jolokiaAndHawtioDemandCredentials(String path) {
        for (String authorization : List.of("", "Authorization: Basic " + basic(USER, "wrong-password-123") + "\r\n",
                "Authorization: Basic " + basic("admin", PASSWORD) + "\r\n", "Authorization: Bearer x\r\n")) {
            var response = RawHttp.exchange(management, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + authorization + "Connection: close\r\n\r\n");
            assertThat(response.status()).as(path + " " + authorization).isIn(400, 401, 404);
            assertThat(response.text()).doesNotContain("\"agent\"", "\"value\"", "\"request\"");
        }
    }

    @Test
    void theRightCredentialsOpenJolokiaAndHawtio() {
        String auth = "Authorization: Basic " + basic(USER, PASSWORD) + "\r\n";
        var jolokia = RawHttp.exchange(management, "GET /jolokia/version HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth
                + "Connection: close\r\n\r\n");
        assertThat(jolokia.status()).isEqualTo(200);
        assertThat(jolokia.text()).contains("\"agent\"");
        var hawtio = RawHttp.exchange(management, "GET /hawtio/ HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth
                + "Connection: close\r\n\r\n");
        assertThat(hawtio.status()).isEqualTo(200);
    }

    @Test
    void healthAndMetricsStayOpenForProbes() {
        assertThat(RawHttp.exchange(management, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close"
                + "\r\n\r\n").status()).isEqualTo(200);
        assertThat(RawHttp.exchange(management, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close"
                + "\r\n\r\n").text()).contains("# TYPE");
    }

    // ---- DNS rebinding: the port answers only its own names ---------------------------------------------------

    static Stream<Arguments> reboundHosts() {
        List<Arguments> cases = new java.util.ArrayList<>();
        for (String host : List.of("evil.example.com", "evil.example.com:@PORT@", "127.0.0.1.nip.io:@PORT@",
                "localtest.me:@PORT@", "localhost.evil.example.com", "EVIL.example.com.", "127.0.0.1.evil.test",
                "0x7f.0.0.1", "2130706433", "drawbridge-management.ops.svc.evil.test")) {
            for (String path : List.of("/health/live", "/metrics", "/jolokia/version", "/hawtio/")) {
                cases.add(Arguments.of(host + " " + path, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"));
            }
        }
        return cases.stream();
    }

    @Test
    void anAbsoluteFormTargetNamingAnotherHostIsRefused() {
        var response = RawHttp.exchange(management, "GET http://evil.example.com/metrics HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(response.status()).isIn(400, 421); // Jetty refuses the mismatch itself
        assertThat(response.text()).doesNotContain("# TYPE");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reboundHosts")
    void aRequestNamingAnotherHostIsRefusedAndAudited(String name, String head) {
        String auth = "Authorization: Basic " + basic(USER, PASSWORD) + "\r\n";
        var response = RawHttp.exchange(management, head.replace("@PORT@", String.valueOf(management)) + auth
                + "Connection: close\r\n\r\n");
        assertThat(response.status()).isEqualTo(421);
        assertThat(response.text()).doesNotContain("\"agent\"", "UP", "# TYPE", "hawtio");
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline && gateway.auditRecords().stream()
                .noneMatch(r -> r.path("route").asText().equals("management") && r.path("status").asInt() == 421)) {
            Thread.onSpinWait();
        }
        assertThat(gateway.auditRecords()).filteredOn(r -> r.path("route").asText().equals("management"))
                .anySatisfy(r -> {
                    assertThat(r.path("decision").asText()).isEqualTo("deny");
                    assertThat(r.path("reason").asText()).isEqualTo("misdirected-request");
                    assertThat(r.path("status").asInt()).isEqualTo(421);
                });
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"127.0.0.1", "127.0.0.1:@PORT@", "localhost:@PORT@",
            "LOCALHOST", "localhost.", "[::1]:@PORT@", "app.localhost:@PORT@", "drawbridge-management.ops.svc",
            "10.1.2.3:@PORT@"})
    void theListenersOwnNamesAndAddressesAreServed(String host) {
        var response = RawHttp.exchange(management, "GET /health/live HTTP/1.1\r\nHost: "
                + host.replace("@PORT@", String.valueOf(management)) + "\r\nConnection: close\r\n\r\n");
        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void withoutCredentialsJolokiaAndHawtioAreNotServedOutsideDevMode(@TempDir Path dir) {
        try (var open = GatewayFixture.start(dir, """
                management:
                  port: 0
                  hawtio: true
                issuers: []
                """, Map.of(), Map.of())) {
            int port = open.gateway().managementPort();
            for (String path : List.of("/jolokia/version", "/jolokia/read/java.lang:type=Runtime", "/hawtio/")) {
                var response = RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Connection: close\r\n\r\n");
                assertThat(response.status()).as(path).isEqualTo(404);
                assertThat(response.text()).doesNotContain("\"agent\"", "\"value\"");
            }
            assertThat(RawHttp.exchange(port, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close"
                    + "\r\n\r\n").status()).isEqualTo(200);
        }
    }

    @Test
    void exposingJolokiaBeyondLoopbackWithoutCredentialsIsRefusedAtStartup(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("drawbridge.yaml"), """
                management:
                  host: 0.0.0.0
                  port: 0
                issuers: []
                routes: []
                """);
        var loader = new ConfigLoader(k -> null, List.of(new IssuersCheck()));
        assertThatThrownBy(() -> loader.load(file)).isInstanceOf(InvalidConfiguration.class)
                .hasMessageContaining("management.host");
    }

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address) {
                    return address;
                }
            }
        }
        return null;
    }
}
