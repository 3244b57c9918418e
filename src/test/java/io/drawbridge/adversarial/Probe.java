package io.drawbridge.adversarial;

import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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
        String requestId = response.header("X-Request-Id");
        JsonNode audit = gateway.audit(requestId);
        return new Outcome(response, receivedSince(upstreamBefore, requestId), audit);
    }

    /**
     * What the upstream received since it had received {@code before} requests, for requests the gateway took
     * from {@code firstId} on: this case's first request. The requests of earlier cases are left out, though one
     * may still land now (answered already, a 413 say, while its upstream call was on its way): they were all
     * numbered before {@code firstId}, since the gateway numbers requests as they come ({@code RequestIds}: a
     * random prefix per gateway, then a counter in base 36). Requests sent after the first, smuggled ones too,
     * stay in. With no {@code firstId} (no response), everything since {@code before}.
     */
    List<TestUpstream.Received> receivedSince(int before, String firstId) {
        List<TestUpstream.Received> all = upstream.received();
        List<TestUpstream.Received> since = List.copyOf(all.subList(before, all.size()));
        if (firstId == null || firstId.indexOf('-') < 0) {
            return since;
        }
        String prefix = firstId.substring(0, firstId.lastIndexOf('-') + 1);
        long first = Long.parseLong(firstId.substring(prefix.length()), 36);
        return since.stream().filter(r -> {
            List<String> ids = r.all("X-Request-Id");
            if (ids.isEmpty()) {
                return true; // not through a gateway: nobody's stray
            }
            String id = ids.get(0);
            return id.startsWith(prefix) && Long.parseLong(id.substring(prefix.length()), 36) >= first;
        }).toList();
    }

    int upstreamCount() {
        return upstream.received().size();
    }
}
