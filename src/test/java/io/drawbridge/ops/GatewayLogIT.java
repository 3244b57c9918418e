package io.drawbridge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.RawHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's own log, as a process writes it: one JSON object a line with {@code logging.format: json}, and no
 * ERROR for refused requests even under a user's own Logback configuration (Camel's error handler would log one
 * per refused exchange, so any client could flood the log with 401s).
 */
class GatewayLogIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String config(Path dir, int port, String extra) {
        return """
                server:
                  host: 127.0.0.1
                  port: %d
                issuers:
                  - name: corp
                    issuer: https://idp.example.com
                    jwksUri: http://127.0.0.1:9/jwks.json
                    audiences: [drawbridge]
                policies:
                  sre-only:
                    allow: [{groups: [sre]}]
                management:
                  port: 0
                audit:
                  file: %s
                routes:
                  - file:%s/*.yaml
                %s
                """.formatted(port, dir.resolve("audit.jsonl"), dir.resolve("routes"), extra);
    }

    private static GatewayProcess start(Path dir, String extraConfig, List<String> jvmOptions) throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/app.yaml"), """
                - route:
                    id: app
                    from:
                      uri: gateway:/app
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=sre-only
                        - to: drawbridge:proxy?upstream=http://127.0.0.1:9
                """);
        int port = GatewayProcess.freePort();
        Path file = Files.writeString(dir.resolve("drawbridge.yaml"), config(dir, port, extraConfig));
        return GatewayProcess.start(dir, port, jvmOptions, List.of("--config", file.toString()), Map.of());
    }

    private static void refuse(GatewayProcess gateway, int times) {
        for (int i = 0; i < times; i++) {
            RawHttp.Response response = RawHttp.exchange(gateway.port(), "GET /app/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (i % 2 == 0 ? "" : "Authorization: Bearer not.a.token\r\n") + "\r\n");
            assertThat(response.status()).isEqualTo(401);
        }
    }

    @Test
    void aUsersOwnLogbackConfigurationGetsNoErrorForRefusedRequests(@TempDir Path dir) throws Exception {
        Path logback = Files.writeString(dir.resolve("user-logback.xml"), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%level %logger - %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        String log;
        try (var gateway = start(dir, "", List.of("-Dlogback.configurationFile=" + logback))) {
            refuse(gateway, 20);
            gateway.stop();
            log = gateway.log();
        }
        assertThat(log).as("the user's configuration is the one in force").contains("INFO io.drawbridge");
        assertThat(log).doesNotContain("ERROR").doesNotContain("Failed delivery")
                .doesNotContain("Message History").doesNotContain("AuthenticationFailed");
    }

    @Test
    void jsonFormatWritesEveryLineAsOneJsonObject(@TempDir Path dir) throws Exception {
        String log;
        try (var gateway = start(dir, "logging:\n  format: json\n", List.of())) {
            refuse(gateway, 4);
            gateway.stop();
            log = gateway.log();
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (!line.isBlank()) {
                try {
                    events.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not one JSON object: " + line, e);
                }
            }
        }
        assertThat(events).allSatisfy(e -> assertThat(e.isObject()).isTrue());
        assertThat(events).anySatisfy(e -> {
            assertThat(e.path("level").asText()).isEqualTo("INFO");
            assertThat(e.path("formattedMessage").asText()).startsWith(GatewayProcess.STARTED);
            assertThat(e.path("loggerName").asText()).startsWith("io.drawbridge");
        });
    }

    @Test
    void anUnknownLogFormatRefusesToStartNamingTheField(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Path file = Files.writeString(dir.resolve("drawbridge.yaml"),
                config(dir, GatewayProcess.freePort(), "logging:\n  format: xml\n"));
        var process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                GatewayProcess.jar().toString(), "--config", file.toString()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).isEqualTo(2);
        assertThat(out).contains("drawbridge.yaml").contains("logging.format").contains("text or json");
    }
}
