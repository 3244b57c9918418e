package io.drawbridge.ops;

import io.drawbridge.Outcome;
import io.drawbridge.audit.AuditRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** MCP calls are counted by route, method, tool and decision, with the tools a client may name kept bounded. */
class McpMetricsTest {

    private static AuditRecord call(String method, String tool, String decision) {
        return new AuditRecord(Instant.now(), "r", Outcome.valueOf(decision.toUpperCase(Locale.ROOT)), "rule-matched", null, "ci-bot", "dev", null, List.of(),
                "mcp", "tools", "POST", "/mcp", "127.0.0.1", 200, "127.0.0.1", null, 1, 0, 0, null, null, null)
                .withMcp(method, tool, null);
    }

    @Test
    void countsCallsByToolAndDecision() {
        var metrics = new GatewayMetrics();

        metrics.observe(List.of(call("tools/call", "echo", "allow"), call("tools/call", "echo", "allow"),
                call("tools/call", "delete_repo", "deny"), call("notifications/initialized", null, "allow")));

        String scraped = metrics.scrape();
        assertThat(scraped).contains(
                "drawbridge_mcp_calls_total{decision=\"allow\",method=\"tools/call\",route=\"mcp\",tool=\"echo\"} 2.0",
                "drawbridge_mcp_calls_total{decision=\"deny\",method=\"tools/call\",route=\"mcp\",tool=\"delete_repo\"} 1.0",
                "drawbridge_mcp_calls_total{decision=\"allow\",method=\"notifications\",route=\"mcp\",tool=\"\"} 1.0");
    }

    @Test
    void countsToolsPastTheFirstHundredAsOther() {
        var metrics = new GatewayMetrics();
        List<AuditRecord> calls = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            calls.add(call("tools/call", "tool" + i, "deny"));
        }
        calls.add(call("made/up", null, "deny"));

        metrics.observe(calls);

        String scraped = metrics.scrape();
        assertThat(scraped).contains("tool=\"tool99\"").doesNotContain("tool=\"tool100\"")
                .contains("method=\"tools/call\",route=\"mcp\",tool=\"other\"} 50.0")
                .contains("method=\"other\"");
    }
}
