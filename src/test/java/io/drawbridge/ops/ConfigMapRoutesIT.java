package io.drawbridge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.Gateway;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.TestUpstream;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Routes from a ConfigMap, against the fabric8 Kubernetes mock server (CRUD mode: it stores what is written and
 * sends watch events) and a real gateway on real sockets: a key appears, changes under load, is refused, is
 * deleted; the API server is missing at startup, and goes away later.
 */
class ConfigMapRoutesIT {

    private static final String NAMESPACE = "gateway";
    private static final String CONFIG = """
            policies:
              open:
                public: true
            kubernetes:
              masterUrl: %s
              namespace: gateway
              resync: 300ms
              routesFolder: @DIR@/configmap
            routes:
              - configmap:gateway-routes
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private KubernetesMockServer server;
    private KubernetesClient kubernetes;
    private TestUpstream blue;
    private TestUpstream green;
    private GatewayFixture gateway;
    private Path dir;

    @BeforeEach
    void start(@TempDir Path dir) {
        this.dir = dir;
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        kubernetes = server.createClient();
        blue = new TestUpstream();
        green = new TestUpstream();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        blue.close();
        green.close();
        kubernetes.close();
        server.destroy();
    }

    @Test
    void routesFromTheConfigMapServeAndFollowItsChanges() throws Exception {
        put(Map.of("app.yaml", route("app", "/app", blue.url()), "notes.txt", "not a route"));
        gateway = start();

        assertThat(get("/app/x").statusCode()).isEqualTo(200);
        assertThat(blue.seen()).contains("GET /app/x");

        put(Map.of("app.yaml", route("app", "/app", blue.url()), "more.yaml", route("more", "/more", green.url())));
        eventually(() -> status("/more/y") == 200);
        assertThat(green.seen()).contains("GET /more/y");
    }

    @Test
    void anUpdateTakesEffectWithoutRestartWhileRequestsContinueWithoutErrors() throws Exception {
        put(Map.of("app.yaml", route("app", "/app", blue.url())));
        gateway = start();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        int status = get("/app/load").statusCode();
                        if (status == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add("status " + status);
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            t.start();
            load.add(t);
        }
        eventually(() -> ok.get() > 50);

        put(Map.of("app.yaml", route("app", "/app", green.url())));
        eventually(() -> green.seen().contains("GET /app/load"));
        int atSwitch = ok.get();
        eventually(() -> ok.get() > atSwitch + 50);
        running.set(false);
        for (Thread t : load) {
            t.join();
        }

        assertThat(failures).isEmpty();
        int blueBefore = blue.seen().size();
        assertThat(get("/app/after").statusCode()).isEqualTo(200);
        assertThat(blue.seen()).hasSize(blueBefore);
        assertThat(green.seen()).contains("GET /app/after");
    }

    @Test
    void anInvalidRouteIsRefusedAuditedAndTheOldRouteKeepsServing() throws Exception {
        put(Map.of("app.yaml", route("app", "/app", blue.url())));
        gateway = start();

        put(Map.of("app.yaml", route("app", "/app", green.url()).replace("policy=open", "policy=nope")));
        JsonNode refused = eventuallyAudited("config-rejected");

        assertThat(refused.path("decision").asText()).isEqualTo("error");
        assertThat(refused.path("detail").asText()).contains("app.yaml", "nope");
        assertThat(get("/app/still").statusCode()).isEqualTo(200);
        assertThat(blue.seen()).contains("GET /app/still");
        assertThat(green.seen()).isEmpty();
    }

    @Test
    void aDeletedKeyTakesItsRouteAway() throws Exception {
        put(Map.of("app.yaml", route("app", "/app", blue.url()), "more.yaml", route("more", "/more", green.url())));
        gateway = start();
        assertThat(get("/more/y").statusCode()).isEqualTo(200);

        put(Map.of("app.yaml", route("app", "/app", blue.url())));

        eventually(() -> status("/more/y") == 404);
        assertThat(get("/app/x").statusCode()).isEqualTo(200);
    }

    @Test
    void theLastKnownGoodRoutesKeepServingWhenTheApiServerGoesAway() throws Exception {
        put(Map.of("app.yaml", route("app", "/app", blue.url())));
        gateway = start();
        assertThat(metrics()).contains("drawbridge_configmap_reachable{configmap=\"gateway/gateway-routes\"} 1.0");

        server.destroy();

        eventually(() -> metrics().contains("drawbridge_configmap_reachable{configmap=\"gateway/gateway-routes\"} 0.0"));
        assertThat(get("/app/x").statusCode()).isEqualTo(200);
        assertThat(blue.seen()).contains("GET /app/x");
    }

    @Test
    void refusesToStartWithoutTheConfigMap() {
        assertThatThrownBy(this::start)
                .isInstanceOf(Gateway.StartupFailure.class)
                .hasMessageContaining("ConfigMap gateway/gateway-routes does not exist")
                .hasMessageContaining("refusing to start");
    }

    @Test
    void refusesToStartWhenTheApiServerCannotBeReached() {
        String url = server.url("/");
        server.destroy();

        assertThatThrownBy(() -> GatewayFixture.start(dir, CONFIG.formatted(url), Map.of(), Map.of()))
                .isInstanceOf(Gateway.StartupFailure.class)
                .hasMessageContaining("cannot read ConfigMap gateway/gateway-routes from the Kubernetes API server")
                .hasMessageContaining("refusing to start");
    }

    @Test
    void theBuiltJarServesAndFollowsTheConfigMap() throws Exception {
        put(Map.of("app.yaml", route("app", "/app", blue.url())));
        int port = GatewayProcess.freePort();
        Files.writeString(dir.resolve("drawbridge.yaml"), CONFIG.formatted(server.url("/"))
                .replace("@DIR@", dir.toString()) + "server: {host: 127.0.0.1, port: " + port + "}\n"
                + "management: {port: 0}\naudit: {file: " + dir.resolve("audit.jsonl") + "}\n");
        String url = "http://127.0.0.1:" + port + "/app/jar";

        try (var jar = GatewayProcess.start(dir, port, List.of(), List.of("--config", "drawbridge.yaml"), Map.of())) {
            assertThat(statusOf(url)).isEqualTo(200);
            assertThat(blue.seen()).contains("GET /app/jar");

            put(Map.of("app.yaml", route("app", "/app", green.url())));

            eventually(() -> statusOf(url) == 200 && green.seen().contains("GET /app/jar"));
            assertThat(jar.stop()).isIn(0, 143); // SIGTERM: exit status 143 when the JVM is ended by the signal
            assertThat(jar.log()).doesNotContain("\tat ");
        }
    }

    @Test
    void theBuiltJarRefusesToStartWithoutTheApiServer() throws Exception {
        int closed = GatewayProcess.freePort();
        Files.writeString(dir.resolve("drawbridge.yaml"), CONFIG.formatted("http://127.0.0.1:" + closed)
                .replace("@DIR@", dir.toString()) + "server: {host: 127.0.0.1, port: 0}\nmanagement: {port: 0}\n");
        var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                GatewayProcess.jar().toString(), "--config", "drawbridge.yaml");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output).contains("drawbridge: cannot start: cannot read ConfigMap gateway/gateway-routes from the"
                + " Kubernetes API server at http://127.0.0.1:" + closed, "refusing to start without its routes");
        assertThat(output).doesNotContain("\tat ");
    }

    private int statusOf(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private GatewayFixture start() {
        return GatewayFixture.start(dir, CONFIG.formatted(server.url("/")), Map.of(), Map.of());
    }

    private void put(Map<String, String> data) {
        ConfigMap map = new ConfigMapBuilder().withNewMetadata().withName("gateway-routes").withNamespace(NAMESPACE)
                .endMetadata().withData(data).build();
        kubernetes.configMaps().inNamespace(NAMESPACE).resource(map).createOr(existing -> existing.update());
    }

    private static String route(String id, String prefix, String upstream) {
        return """
                - route:
                    id: %s
                    from:
                      uri: gateway:%s
                      steps:
                        - to: drawbridge:authorize?policy=open
                        - to: drawbridge:proxy?upstream=%s
                """.formatted(id, prefix, upstream);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gateway.url(path))).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private int status(String path) {
        try {
            return get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private String metrics() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + gateway.gateway().managementPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private JsonNode eventuallyAudited(String reason) {
        JsonNode[] found = new JsonNode[1];
        eventually(() -> {
            for (JsonNode record : gateway.auditRecords()) {
                if (reason.equals(record.path("reason").asText())) {
                    found[0] = record;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static void eventually(BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within 15 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
