package io.drawbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.ConfigChecks;
import io.drawbridge.Gateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real gateway in the test JVM, on a free loopback port: configuration and route files written to a temporary
 * folder, loaded the way {@code java -jar} loads them, and an audit file the test can read back.
 * In the configuration and routes, {@code @DIR@} stands for that folder; in the configuration, a line
 * {@code @TEST_ISSUER@} stands for {@link #TEST_ISSUER}. A configuration without a
 * {@code routes} section of its own loads the route files from {@code @DIR@/routes}.
 */
public final class GatewayFixture implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A configuration line that stands for {@link #TEST_ISSUER}. */
    public static final String TEST_ISSUER_MARKER = "@TEST_ISSUER@\n";

    /**
     * The issuer most tests use: {@link TokenMinter}'s, its JWKS in {@code @DIR@/jwks.json}
     * ({@code new TokenMinter().writeJwks(dir.resolve("jwks.json"))}).
     */
    public static final String TEST_ISSUER = """
            issuers:
              - name: test
                issuer: https://issuer.test
                jwksFile: @DIR@/jwks.json
                audiences: [drawbridge]
            """;

    private final Gateway gateway;
    private final Path dir;
    private final Map<String, JsonNode> byRequestId = new java.util.HashMap<>();
    private long auditRead;

    private GatewayFixture(Gateway gateway, Path dir) {
        this.gateway = gateway;
        this.dir = dir;
    }

    public static GatewayFixture start(Path dir, String config, Map<String, String> routes,
                                       Map<String, String> properties) {
        return start(dir, config, routes, properties, 0);
    }

    /** On a given port, for tests whose peers must know the gateway's address in advance (an IdP's redirect URI). */
    public static GatewayFixture start(Path dir, String config, Map<String, String> routes,
                                       Map<String, String> properties, int port) {
        try {
            Path routesDir = Files.createDirectories(dir.resolve("routes"));
            for (var route : routes.entrySet()) {
                Files.writeString(routesDir.resolve(route.getKey()), route.getValue().replace("@DIR@", dir.toString()));
            }
            String full = withLoopbackServer(config.replace(TEST_ISSUER_MARKER, TEST_ISSUER)
                    .replace("@DIR@", dir.toString()), port)
                    + (config.contains("management:") ? "" : "management:\n  port: 0\n")
                    + "audit:\n  file: " + dir.resolve("audit.jsonl") + "\n"
                    + (declaresRoutes(config) ? "" : "routes:\n  - file:" + routesDir + "/*.yaml\n");
            Path file = Files.writeString(dir.resolve("drawbridge.yaml"), full);
            var loader = ConfigChecks.loader(System::getenv);
            return new GatewayFixture(Gateway.start(loader.load(file), properties, List.of(), List.of()), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Binds the data port to loopback and a free port, keeping any other {@code server} fields the test set. */
    private static String withLoopbackServer(String config, int port) {
        String bind = "  host: 127.0.0.1\n  port: " + port + "\n";
        if (config.startsWith("server:\n")) {
            return "server:\n" + bind + config.substring("server:\n".length());
        }
        int at = config.indexOf("\nserver:\n");
        if (at >= 0) {
            int after = at + "\nserver:\n".length();
            return config.substring(0, after) + bind + config.substring(after);
        }
        return config + "\nserver:\n" + bind;
    }

    private static boolean declaresRoutes(String config) {
        return config.startsWith("routes:") || config.contains("\nroutes:");
    }

    public int port() {
        return gateway.port();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public Gateway gateway() {
        return gateway;
    }

    /** Waits until readiness says UP (keys fetched for every issuer, among others): for tests that start late. */
    public GatewayFixture awaitReady() {
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + gateway.managementPort() + "/health/ready")).build();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
                Thread.sleep(50);
            } catch (IOException e) {
                // not answering yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("the gateway did not become ready within 30 s");
    }

    public Path auditFile() {
        return dir.resolve("audit.jsonl");
    }

    /** Every audit record written so far. */
    public List<JsonNode> auditRecords() {
        try {
            if (!Files.exists(auditFile())) {
                return List.of();
            }
            List<JsonNode> records = new ArrayList<>();
            for (String line : Files.readAllLines(auditFile())) {
                if (!line.isBlank()) {
                    records.add(JSON.readTree(line));
                }
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The audit record of a request, waiting a little for the writer thread. */
    public JsonNode audit(String requestId) {
        if (requestId == null) {
            throw new AssertionError("the response carries no request id");
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode record = indexed(requestId);
            if (record != null) {
                return record;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no audit record for request " + requestId + " in " + auditFile());
    }

    /** Reads only the lines appended since the last call, so suites of hundreds of requests stay linear. */
    private synchronized JsonNode indexed(String requestId) {
        JsonNode known = byRequestId.get(requestId);
        if (known != null || !Files.exists(auditFile())) {
            return known;
        }
        try (var file = new java.io.RandomAccessFile(auditFile().toFile(), "r")) {
            if (file.length() > auditRead) {
                file.seek(auditRead);
                byte[] bytes = new byte[(int) (file.length() - auditRead)];
                file.readFully(bytes);
                int end = lastNewline(bytes);
                auditRead += end + 1;
                for (String line : new String(bytes, 0, end + 1, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        JsonNode record = JSON.readTree(line);
                        byRequestId.put(record.path("requestId").asText(), record);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return byRequestId.get(requestId);
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        gateway.close();
    }
}
