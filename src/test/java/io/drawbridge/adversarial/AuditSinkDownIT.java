package io.drawbridge.adversarial;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit sink cannot write (a full disk: {@code /dev/full}). No response leaves before its record is written,
 * no new request reaches the upstream, readiness, metrics and the log say why, and at SIGTERM the gateway ends
 * within its bound and puts every unwritten record in the log rather than losing it or hanging.
 */
class AuditSinkDownIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void refuseAnswers503WhileTheFirstResponseWaitsForItsRecord(@TempDir Path dir) throws Exception {
        try (var upstream = new TestUpstream()) {
            Setup setup = start(dir, upstream, "refuse");
            List<String> refused = new ArrayList<>();
            int exit;
            long stopMillis;
            try (var first = new RawHttp(setup.port)) {
                first.send("GET /app/first HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                awaitAuditDown(setup.management);
                assertThat(first.answersWithin(1000)).as("the proxied response's end waits for its record").isFalse();
                assertThat(upstream.seen()).hasSize(1); // it reached the upstream before the sink failed

                for (int i = 0; i < 20; i++) {
                    RawHttp.Response response = RawHttp.exchange(setup.port, "GET /app/" + i + " HTTP/1.1\r\n"
                            + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n");
                    assertThat(response.status()).isEqualTo(503);
                    assertThat(response.header("Retry-After")).isNotNull();
                    refused.add(response.header("X-Request-Id"));
                }
                assertThat(upstream.seen()).as("no refused request reached the upstream").hasSize(1);
                assertThat(metrics(setup.management)).contains("drawbridge_audit_failing 1.0",
                        "drawbridge_audit_backlog 21.0");
                assertThat(setup.gateway.log()).contains("cannot write the audit file /dev/full");
            } finally {
                long start = System.nanoTime();
                exit = setup.gateway.stop();
                stopMillis = (System.nanoTime() - start) / 1_000_000;
            }
            System.out.printf("SIGTERM with the audit disk full: exit %d after %d ms%n", exit, stopMillis);
            assertThat(exit).as("a clean exit, not a kill after the wait").isIn(0, 143);
            assertThat(stopMillis).isLessThan(25_000);
            String log = setup.gateway.log();
            assertThat(log).containsPattern("unwritten record: \\{[^\\n]*\"path\":\"/app/first\"");
            for (String id : refused) {
                assertThat(log).as("request %s's record in the log", id)
                        .containsPattern("unwritten record: \\{[^\\n]*\"requestId\":\"" + id
                                + "\"[^\\n]*\"reason\":\"audit-behind\"");
            }
        }
    }

    @Test
    void waitHoldsNewRequestsBackBeforeTheyReachTheUpstream(@TempDir Path dir) throws Exception {
        try (var upstream = new TestUpstream()) {
            Setup setup = start(dir, upstream, "wait");
            try (var first = new RawHttp(setup.port); var second = new RawHttp(setup.port)) {
                first.send("GET /app/first HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                awaitAuditDown(setup.management);
                second.send("GET /app/second HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

                assertThat(first.answersWithin(1000)).isFalse();
                assertThat(second.silentFor(1000)).as("held back, not refused").isTrue();
                assertThat(upstream.seen()).as("the held request never reached the upstream")
                        .containsExactly("GET /first");
            } finally {
                setup.gateway.stop();
            }
            assertThat(setup.gateway.log()).containsPattern("unwritten record: \\{[^\\n]*\"path\":\"/app/first\"");
        }
    }

    private record Setup(GatewayProcess gateway, int port, int management) {
    }

    private static Setup start(Path dir, TestUpstream upstream, String whenBehind) throws Exception {
        int port = GatewayProcess.freePort();
        int management = GatewayProcess.freePort();
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/app.yaml"), """
                - route:
                    id: app
                    from:
                      uri: gateway:/app
                      steps:
                        - to: drawbridge:authorize?policy=open
                        - to: "drawbridge:proxy?upstream=%s&stripPrefix=true"
                """.formatted(upstream.url()));
        Files.writeString(dir.resolve("drawbridge.yaml"), """
                server:
                  host: 127.0.0.1
                  port: %d
                management:
                  port: %d
                policies:
                  open:
                    public: true
                audit:
                  file: /dev/full
                  whenBehind: %s
                routes:
                  - file:routes/*.yaml
                """.formatted(port, management, whenBehind));
        var gateway = GatewayProcess.start(dir, port, List.of(), List.of("--config", "drawbridge.yaml"), Map.of());
        return new Setup(gateway, port, management);
    }

    private static void awaitAuditDown(int management) throws Exception {
        JsonNode ready = null;
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management
                    + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            ready = JSON.readTree(r.body());
            if (r.statusCode() == 503 && ready.path("checks").path("audit").asText().startsWith("DOWN")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(ready.path("checks").path("audit").asText()).startsWith("DOWN: the audit sink cannot write");
    }

    private static String metrics(int management) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
