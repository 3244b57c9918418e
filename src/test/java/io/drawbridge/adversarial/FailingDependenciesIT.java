package io.drawbridge.adversarial;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.KeyServer;
import io.drawbridge.testing.TestUpstream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * Dependencies that fail: upstreams that refuse, reset, stall, answer garbage or more header than anyone should
 * buffer, and an identity provider whose JWKS is too slow. Nothing fails open: each failure is a 5xx with its
 * reason in the audit record and a count in the metrics, and service resumes by itself when the dependency does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailingDependenciesIT {

    private static final String SLOW_IDP = "https://slow-idp.test";

    private final TestUpstream upstream = new TestUpstream();
    private final KeyServer keys = new KeyServer();
    private final BrokenUpstream reset = new BrokenUpstream(0, BrokenUpstream.Mode.RESET);
    private final BrokenUpstream garbage = new BrokenUpstream(0, BrokenUpstream.Mode.GARBAGE);
    private final BrokenUpstream huge = new BrokenUpstream(0, BrokenUpstream.Mode.HUGE_HEADERS);
    private final BrokenUpstream stall = new BrokenUpstream(0, BrokenUpstream.Mode.STALL_AFTER_STATUS);
    private RSAKey key;
    private int deadPort;
    private GatewayFixture gateway;
    private Probe probe;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        key = new RSAKeyGenerator(2048).keyID("slow").keyUse(KeyUse.SIGNATURE).generate();
        keys.publish("/slow/jwks", key);
        keys.delay("/slow/jwks", 3_000); // longer than the gateway's 2 s JWKS timeout
        try (var socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort(); // closed again: nothing listens there, until the test starts something
        }
        gateway = GatewayFixture.start(dir, """
                issuers:
                  - name: slow
                    issuer: %s
                    jwksUri: %s
                    audiences: [drawbridge]
                    keyRefreshRate: 1s
                policies:
                  open:
                    public: true
                  users:
                    allow:
                      - users: ["*"]
                """.formatted(SLOW_IDP, keys.url("/slow/jwks")), Map.of(
                "dead.yaml", route("dead", "http://127.0.0.1:" + deadPort, ""),
                "reset.yaml", route("reset", reset.url(), ""),
                "garbage.yaml", route("garbage", garbage.url(), ""),
                "huge.yaml", route("huge", huge.url(), ""),
                "stall.yaml", route("stall", stall.url(), "&responseTimeout=500ms"),
                "app.yaml", HeaderSpoofingIT.route("app", "/app", true, "users")), Map.of("upstream", upstream.url()));
        probe = new Probe(gateway, upstream);
    }

    private static String route(String id, String upstream, String options) {
        return """
                - route:
                    id: %s
                    from:
                      uri: gateway:/%s
                      steps:
                        - to: drawbridge:authorize?policy=open
                        - to: "drawbridge:proxy?upstream=%s&stripPrefix=true%s"
                """.formatted(id, id, upstream, options);
    }

    @AfterAll
    void stop() {
        gateway.close();
        for (AutoCloseable c : List.<AutoCloseable>of(upstream, keys, reset, garbage, huge, stall)) {
            try {
                c.close();
            } catch (Exception e) {
                // closing test servers
            }
        }
    }

    static Stream<Arguments> failingUpstreams() {
        return Stream.of(
                Arguments.of("reset", 502, "upstream-reset|upstream-unreachable"), // as the RST meets the connect
                Arguments.of("garbage", 502, "upstream-invalid"),
                Arguments.of("huge", 502, "upstream-reset"),
                Arguments.of("stall", 504, "upstream-timeout"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failingUpstreams")
    void aFailingUpstreamIsA5xxWithItsReasonAuditedAndCounted(String route, int status, String reason)
            throws InterruptedException {
        double before = Metrics.sum(gateway, "drawbridge_upstream_errors_total", "route=\"" + route + "\"");
        var outcome = probe.get("/" + route + "/x");
        assertThat(outcome.status()).isEqualTo(status);
        assertThat(outcome.audit().path("decision").asText()).isEqualTo("error");
        assertThat(outcome.reason()).matches(reason);
        assertThat(outcome.response().headers()).noneMatch(h -> h[0].startsWith("X-Pad-"));
        // Counted as the exchange completes, which can be just after the client has its answer: wait a moment.
        assertThat(Metrics.await(gateway, before + 1, 5_000, "drawbridge_upstream_errors_total",
                "route=\"" + route + "\"")).isEqualTo(before + 1);
    }

    @Test
    void anUnreachableUpstreamIs502UntilItComesBack() {
        double before = Metrics.sum(gateway, "drawbridge_upstream_errors_total", "reason=\"upstream-unreachable\"");
        var down = probe.get("/dead/x");
        assertThat(down.status()).isEqualTo(502);
        assertThat(down.reason()).isEqualTo("upstream-unreachable");
        assertThat(Metrics.sum(gateway, "drawbridge_upstream_errors_total", "reason=\"upstream-unreachable\"")).isEqualTo(before + 1);
        try (var revived = new BrokenUpstream(deadPort, BrokenUpstream.Mode.OK)) {
            var up = probe.get("/dead/x");
            assertThat(up.status()).isEqualTo(200);
            assertThat(up.response().text()).isEqualTo("ok");
            assertThat(up.audit().path("decision").asText()).isEqualTo("allow");
        }
    }

    @Test
    void aSlowIdentityProviderFailsClosedThenResumes() throws Exception {
        String token = token();
        long started = System.nanoTime();
        var unavailable = probe.get("/app/x", "Authorization: Bearer " + token);
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.reason()).isEqualTo("issuer-unavailable");
        assertThat(unavailable.upstreamSaw()).isEmpty();
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms to fail").isLessThan(6_000);
        assertThat(Metrics.await(gateway, 1, 5_000, "drawbridge_jwks_fetches_total", "outcome=\"failure\""))
                .isPositive(); // the start-up fetch, given up after 2 s

        keys.delay("/slow/jwks", 0);
        Thread.sleep(1_100); // keyRefreshRate: 1s
        long deadline = System.currentTimeMillis() + 5_000;
        Probe.Outcome resumed;
        do {
            resumed = probe.get("/app/x", "Authorization: Bearer " + token());
        } while (resumed.status() != 200 && System.currentTimeMillis() < deadline && sleep(200));
        resumed.forwarded(200);
        assertThat(Metrics.sum(gateway, "drawbridge_jwks_fetches_total", "outcome=\"success\"")).isPositive();
    }

    private String token() throws Exception {
        Instant now = Instant.now();
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("slow").build(),
                new JWTClaimsSet.Builder().issuer(SLOW_IDP).subject("alice-id").audience("drawbridge")
                        .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(300))).claim("preferred_username", "alice").build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
