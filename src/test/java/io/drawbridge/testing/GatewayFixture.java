package io.drawbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.Gateway;
import io.drawbridge.authn.IssuersCheck;
import io.drawbridge.config.CatalogCheck;
import io.drawbridge.config.ConfigLoader;
import io.drawbridge.policy.PolicyCheck;
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
 * In the configuration and routes, {@code @DIR@} stands for that folder. A configuration without a
 * {@code routes} section of its own loads the route files from {@code @DIR@/routes}.
 */
public final class GatewayFixture implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Gateway gateway;
    private final Path dir;

    private GatewayFixture(Gateway gateway, Path dir) {
        this.gateway = gateway;
        this.dir = dir;
    }

    public static GatewayFixture start(Path dir, String config, Map<String, String> routes,
                                       Map<String, String> properties) {
        try {
            Path routesDir = Files.createDirectories(dir.resolve("routes"));
            for (var route : routes.entrySet()) {
                Files.writeString(routesDir.resolve(route.getKey()), route.getValue().replace("@DIR@", dir.toString()));
            }
            String full = config.replace("@DIR@", dir.toString())
                    + "\nserver:\n  host: 127.0.0.1\n  port: 0\n"
                    + (config.contains("management:") ? "" : "management:\n  port: 0\n")
                    + "audit:\n  file: " + dir.resolve("audit.jsonl") + "\n"
                    + (declaresRoutes(config) ? "" : "routes:\n  - file:" + routesDir + "/*.yaml\n");
            Path file = Files.writeString(dir.resolve("drawbridge.yaml"), full);
            var loader = new ConfigLoader(System::getenv, List.of(new IssuersCheck(), new PolicyCheck(), new CatalogCheck()));
            return new GatewayFixture(Gateway.start(loader.load(file), properties, List.of(), List.of()), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            for (JsonNode record : auditRecords()) {
                if (requestId.equals(record.path("requestId").asText())) {
                    return record;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no audit record for request " + requestId + " in " + auditFile());
    }

    @Override
    public void close() {
        gateway.close();
    }
}
