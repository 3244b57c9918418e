package io.drawbridge.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.RawHttp;
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

/**
 * The audit sink cannot write (a full disk: {@code /dev/full}). The gateway keeps every record it could not write,
 * says so in readiness, metrics and the log, and at SIGTERM it ends within its bound and puts every unwritten
 * record in the log rather than losing it or hanging.
 */
class AuditSinkDownIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFullDiskIsReportedAndNoRecordIsLostAtShutdown(@TempDir Path dir) throws Exception {
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
                        - setBody:
                            constant: served
                """);
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
                routes:
                  - file:routes/*.yaml
                """.formatted(port, management));
        GatewayProcess gateway = GatewayProcess.start(dir, port, List.of(), List.of("--config", "drawbridge.yaml"),
                Map.of());
        List<String> ids = new ArrayList<>();
        int exit;
        long stopMillis;
        try {
            for (int i = 0; i < 20; i++) {
                RawHttp.Response response = RawHttp.exchange(port, "GET /app/" + i + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Connection: close\r\n\r\n");
                assertThat(response.status()).isEqualTo(200); // served: the records wait in memory
                ids.add(response.header("X-Request-Id"));
            }
            var http = HttpClient.newHttpClient();
            JsonNode ready = null;
            long deadline = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < deadline) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management
                        + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                ready = JSON.readTree(r.body());
                if (r.statusCode() == 503 && ready.path("checks").path("audit").asText().startsWith("DOWN")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(ready.path("checks").path("audit").asText()).startsWith("DOWN: the audit sink cannot write");
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("drawbridge_audit_failing 1.0", "drawbridge_audit_backlog 20.0");
            assertThat(gateway.log()).contains("cannot write the audit file /dev/full");
        } finally {
            long start = System.nanoTime();
            exit = gateway.stop();
            stopMillis = (System.nanoTime() - start) / 1_000_000;
        }
        System.out.printf("SIGTERM with the audit disk full: exit %d after %d ms%n", exit, stopMillis);
        assertThat(exit).as("a clean exit, not a kill after the wait").isIn(0, 143);
        assertThat(stopMillis).isLessThan(25_000);
        String log = gateway.log();
        for (String id : ids) {
            assertThat(log).as("request %s's record in the log", id)
                    .containsPattern("unwritten record: \\{[^\\n]*\"requestId\":\"" + id + "\"");
        }
    }
}
