package io.drawbridge.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import java.util.List;

/**
 * Sends one attack to a gateway and collects the three things every adversarial case asserts: the response, what
 * the upstream received because of it, and the audit record of the decision.
 */
final class Probe {

    private final GatewayFixture gateway;
    private final TestUpstream upstream;

    Probe(GatewayFixture gateway, TestUpstream upstream) {
        this.gateway = gateway;
        this.upstream = upstream;
    }

    /** What one request produced. */
    record Outcome(RawHttp.Response response, List<TestUpstream.Received> upstreamSaw, JsonNode audit) {
        int status() {
            return response.status();
        }

        String reason() {
            return audit.path("reason").asText();
        }

        /** Refused: the status, nothing upstream, and a deny or error record with that reason. */
        Outcome refused(int status, String reason) {
            assertThat(response.status()).as("status").isEqualTo(status);
            assertThat(upstreamSaw).as("what the upstream received").isEmpty();
            assertThat(audit.path("decision").asText()).as("audit decision").isIn("deny", "error");
            assertThat(audit.path("status").asInt()).as("audited status").isEqualTo(status);
            if (reason != null) {
                assertThat(reason()).as("audit reason").isEqualTo(reason);
            }
            return this;
        }

        /** Allowed: the status, exactly one request upstream, and an allow record. */
        TestUpstream.Received forwarded(int status) {
            assertThat(response.status()).as("status").isEqualTo(status);
            assertThat(upstreamSaw).as("what the upstream received").hasSize(1);
            assertThat(audit.path("decision").asText()).as("audit decision").isEqualTo("allow");
            return upstreamSaw.get(0);
        }
    }

    /** {@code GET target} with these header lines (and {@code Host: 127.0.0.1} unless one is given). */
    Outcome get(String target, String... headers) {
        var request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n");
        boolean host = false;
        for (String header : headers) {
            host |= header.regionMatches(true, 0, "Host:", 0, 5);
        }
        if (!host) {
            request.append("Host: 127.0.0.1\r\n");
        }
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return send(request.append("\r\n").toString());
    }

    /** Sends raw bytes (ISO-8859-1) on a new connection and reads one response. */
    Outcome send(String raw) {
        int before = upstream.received().size();
        RawHttp.Response response = RawHttp.exchange(gateway.port(), raw);
        return outcome(response, before);
    }

    Outcome outcome(RawHttp.Response response, int upstreamBefore) {
        JsonNode audit = gateway.audit(response.header("X-Request-Id"));
        List<TestUpstream.Received> all = upstream.received();
        return new Outcome(response, List.copyOf(all.subList(upstreamBefore, all.size())), audit);
    }

    int upstreamCount() {
        return upstream.received().size();
    }
}
