package io.drawbridge.limit;

import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limits through a real gateway over raw sockets: a bounded burst per caller and route, then 429 with
 * Retry-After, audited as rate-limited, and nothing of the refused requests reaches the upstream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitIT {

    private final TokenMinter minter = new TokenMinter();
    private final TestUpstream upstream = new TestUpstream();
    private GatewayFixture gateway;
    private String alice;
    private String bob;

    @BeforeAll
    void start(@TempDir Path dir) {
        minter.writeJwks(dir.resolve("jwks.json"));
        alice = minter.token("alice", List.of("sre"));
        bob = minter.token("bob", List.of("sre"));
        gateway = GatewayFixture.start(dir, """
                @TEST_ISSUER@
                policies:
                  sre:
                    allow: [{groups: [sre]}]
                    limits: {perUser: 1/h, burst: 5}
                  unlimited:
                    allow: [{groups: [sre]}]
                  open:
                    public: true
                    limits: {perUser: 1/h, burst: 2}
                """, Map.of(
                "api.yaml", route("api", "/api", "sre", true),
                "reports.yaml", route("reports", "/reports", "sre", true),
                "free.yaml", route("free", "/free", "unlimited", true),
                "public.yaml", route("public", "/public", "open", false)), Map.of("upstream", upstream.url()));
    }

    private static String route(String id, String prefix, String policy, boolean authenticate) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "gateway:%s"
                      steps:
                %s        - to: drawbridge:authorize?policy=%s
                        - to: "drawbridge:proxy?upstream={{upstream}}&stripPrefix=true"
                """.formatted(id, prefix, authenticate ? "        - to: drawbridge:authenticate\n" : "", policy);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    private List<RawHttp.Response> send(int times, String path, String token) {
        List<RawHttp.Response> responses = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            responses.add(RawHttp.exchange(gateway.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n"));
        }
        return responses;
    }

    @Test
    void aCallerGetsTheBurstThen429WithRetryAfterAndTheUpstreamSeesOnlyWhatPassed() {
        int before = upstream.received().size();
        List<RawHttp.Response> responses = send(8, "/api/items", alice);
        assertThat(responses).extracting(RawHttp.Response::status).containsExactly(200, 200, 200, 200, 200, 429, 429,
                429);
        RawHttp.Response refused = responses.get(5);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 3600L);
        assertThat(refused.text()).contains("\"status\":429");
        assertThat(upstream.received().size() - before).isEqualTo(5);
        JsonNode record = gateway.audit(refused.header("X-Request-Id"));
        assertThat(record.path("decision").asText()).isEqualTo("deny");
        assertThat(record.path("reason").asText()).isEqualTo("rate-limited");
        assertThat(record.path("status").asInt()).isEqualTo(429);
        assertThat(record.path("subject").asText()).isEqualTo("alice");

        // Another caller, and the same caller on another route with the same policy, have buckets of their own.
        assertThat(send(1, "/api/items", bob).get(0).status()).isEqualTo(200);
        assertThat(send(1, "/reports/x", alice).get(0).status()).isEqualTo(200);
        // A policy without limits is not limited.
        assertThat(send(12, "/free/x", alice)).extracting(RawHttp.Response::status).containsOnly(200);
    }

    @Test
    void anonymousCallersOfAPublicRouteAreCountedByAddress() {
        assertThat(send(4, "/public/x", null)).extracting(RawHttp.Response::status)
                .containsExactly(200, 200, 429, 429);
    }
}
