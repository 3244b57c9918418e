package io.drawbridge.adversarial;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} under load: every response a client received, allowed or denied, proxied or answered by the
 * gateway, has its record in the audit file, which the restarted gateway goes on appending to.
 */
class AuditDurabilityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 32;
    private static final int KILL_AFTER = 12_000;
    private static final String[] REQUESTS = {
        "GET /app/items HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",                          // 200, proxied
        "GET /locked/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",                           // 401, no token
        "GET /local HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",                              // 200, the route's own body
        "POST /app/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello", // 200, with a body
        "GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",                            // 404, no route
    };

    @Test
    void everyResponseAClientReceivedIsInTheAuditLogAfterAKill(@TempDir Path dir) throws Exception {
        try (var upstream = new TestUpstream()) {
            int port = GatewayProcess.freePort();
            configure(dir, port, upstream, "audit.jsonl");
            Map<String, String> received = loadThenKill(start(dir, port), port);

            GatewayProcess restarted = start(dir, port);
            String after;
            try {
                after = RawHttp.exchange(port, REQUESTS[2]).header("X-Request-Id");
            } finally {
                restarted.stop();
            }

            Set<String> recorded = assertEveryResponseRecorded(received, dir.resolve("audit.jsonl"));
            assertThat(recorded).as("the restarted gateway appends").contains(after);
        }
    }

    /**
     * The same on a slow audit disk: a pipe that the test drains at about 400 KB/s, so records wait for the disk
     * while responses are ready. Here a response that left before its record would be lost by the thousands.
     */
    @Test
    void aSlowAuditDiskLosesNoRecordEither(@TempDir Path dir) throws Exception {
        Path pipe = dir.resolve("audit.pipe");
        Path copy = dir.resolve("audit.jsonl");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
        Thread disk = new Thread(() -> slowDisk(pipe, copy), "slow-disk");
        disk.start();
        try (var upstream = new TestUpstream()) {
            int port = GatewayProcess.freePort();
            configure(dir, port, upstream, pipe.toString());
            Map<String, String> received = loadThenKill(start(dir, port), port);
            disk.join(60_000); // the pipe's end: what the gateway wrote before it died is all in the copy
            assertEveryResponseRecorded(received, copy);
        }
    }

    /** Reads the pipe to its end into {@code copy}, 4 KiB every 10 ms. */
    private static void slowDisk(Path pipe, Path copy) {
        try (var in = Files.newInputStream(pipe); var out = Files.newOutputStream(copy)) {
            byte[] block = new byte[4096];
            int n;
            while ((n = in.read(block)) != -1) {
                out.write(block, 0, n);
                Thread.sleep(10);
            }
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 32 clients until {@link #KILL_AFTER} responses, then SIGKILL while every client has a request in flight. */
    private static Map<String, String> loadThenKill(GatewayProcess gateway, int port) throws Exception {
        Map<String, String> received = new ConcurrentHashMap<>(); // request id -> what was asked and answered
        var count = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread thread = new Thread(() -> load(port, client, received, count), "client-" + c);
            thread.start();
            clients.add(thread);
        }
        long deadline = System.currentTimeMillis() + 180_000;
        while (count.get() < KILL_AFTER && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        int exit = gateway.kill();
        for (Thread thread : clients) {
            thread.join(30_000);
        }
        assertThat(exit).isEqualTo(137);
        assertThat(received.size()).as("responses before the kill").isGreaterThanOrEqualTo(KILL_AFTER);
        return received;
    }

    private static Set<String> assertEveryResponseRecorded(Map<String, String> received, Path audit)
            throws Exception {
        Set<String> recorded = new HashSet<>();
        int unparseable = 0;
        for (String line : Files.readAllLines(audit, StandardCharsets.UTF_8)) {
            try {
                recorded.add(JSON.readTree(line).path("requestId").asText());
            } catch (java.io.IOException e) {
                unparseable++; // a line the kill cut short
            }
        }
        Map<String, String> missing = new java.util.TreeMap<>(received);
        missing.keySet().removeAll(recorded);
        System.out.printf("kill -9 after %d responses: %d records, %d missing, %d cut line(s)%n",
                received.size(), recorded.size(), missing.size(), unparseable);
        assertThat(missing).as("responses received without an audit record").isEmpty();
        assertThat(unparseable).isLessThanOrEqualTo(1);
        return recorded;
    }

    /** One keep-alive connection sending the mix until the gateway dies; a new connection after each close. */
    private static void load(int port, int client, Map<String, String> received, AtomicInteger count) {
        int i = client;
        while (true) {
            try (var http = new RawHttp(port)) {
                while (true) {
                    String request = REQUESTS[i++ % REQUESTS.length];
                    RawHttp.Response response = http.send(request).read();
                    String id = response.header("X-Request-Id");
                    assertThat(id).isNotNull();
                    received.put(id, request.substring(0, request.indexOf(" HTTP/")) + " -> " + response.status()
                            + " " + response.headers().stream().map(h -> h[0] + ": " + h[1]).toList());
                    count.incrementAndGet();
                    if ("close".equalsIgnoreCase(response.header("Connection"))) {
                        break;
                    }
                }
            } catch (RuntimeException e) {
                return; // the gateway is gone (or refused the connection): the load ends here
            }
        }
    }

    private static void configure(Path dir, int port, TestUpstream upstream, String auditFile) throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/routes.yaml"), """
                - route:
                    id: app
                    from:
                      uri: gateway:/app
                      steps:
                        - to: drawbridge:authorize?policy=open
                        - to: "drawbridge:proxy?upstream=%s&stripPrefix=true"
                - route:
                    id: locked
                    from:
                      uri: gateway:/locked
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=open
                        - to: "drawbridge:proxy?upstream=%s&stripPrefix=true"
                - route:
                    id: local
                    from:
                      uri: gateway:/local
                      steps:
                        - to: drawbridge:authorize?policy=open
                        - setBody:
                            constant: served here
                """.formatted(upstream.url(), upstream.url()));
        Files.writeString(dir.resolve("drawbridge.yaml"), """
                server:
                  host: 127.0.0.1
                  port: %d
                management:
                  port: 0
                issuers:
                  - name: corp
                    issuer: https://idp.invalid
                    jwksUri: http://127.0.0.1:9/jwks
                    audiences: [drawbridge]
                policies:
                  open:
                    public: true
                audit:
                  file: %s
                routes:
                  - file:routes/*.yaml
                """.formatted(port, auditFile));
    }

    private static GatewayProcess start(Path dir, int port) {
        return GatewayProcess.start(dir, port, List.of("-Xmx256m"), List.of("--config", "drawbridge.yaml"), Map.of());
    }
}
