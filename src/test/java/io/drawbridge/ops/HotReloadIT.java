package io.drawbridge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.TokenMinter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route files and policies changed on disk while the gateway runs: valid changes apply without a restart and
 * without failing a request in flight; invalid ones are refused, logged and audited, and the running
 * configuration stays.
 */
class HotReloadIT {

    private static final String CONFIG = """
            @TEST_ISSUER@
            policies:
              open:
                public: true
              team:
                allow:
                  - groups: [sre]
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final TokenMinter minter = new TokenMinter();
    private Path dir;
    private GatewayFixture gateway;

    @BeforeEach
    void start(@TempDir Path dir) {
        this.dir = dir;
        minter.writeJwks(dir.resolve("jwks.json"));
        gateway = GatewayFixture.start(dir, CONFIG, Map.of("app.yaml", app("open", "v1")), Map.of());
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private static String app(String policy, String body) {
        return """
                - route:
                    id: app
                    from:
                      uri: gateway:/app
                      steps:
                %s        - to: drawbridge:authorize?policy=%s
                        - setBody:
                            constant: %s
                """.formatted(policy.equals("open") ? "" : "        - to: drawbridge:authenticate\n", policy, body);
    }

    private HttpResponse<String> get(String path, String... headers) {
        try {
            var request = HttpRequest.newBuilder(URI.create(gateway.url(path))).timeout(Duration.ofSeconds(15));
            if (headers.length > 0) {
                request.headers(headers);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(path + ": " + e, e);
        }
    }

    private void write(String relative, String content) throws Exception {
        // Written beside and moved into place, as editors and Kubernetes' ConfigMap volumes do.
        Path target = dir.resolve(relative);
        Path temp = Files.writeString(target.resolveSibling("." + target.getFileName() + ".tmp"), content);
        Files.move(temp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(25);
        }
    }

    private List<JsonNode> rejections() {
        return gateway.auditRecords().stream().filter(r -> r.path("reason").asText().equals("config-rejected"))
                .toList();
    }

    @Test
    void aRouteChangeTakesEffectWhileLoadRunsWithoutOneFailedRequest() throws Exception {
        var running = new AtomicBoolean(true);
        var bodies = new ConcurrentHashMap<String, AtomicInteger>();
        var failures = new ConcurrentLinkedQueue<String>();
        List<Thread> clients = new java.util.ArrayList<>();
        for (int c = 0; c < 4; c++) {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> r = get("/app/x");
                        if (r.statusCode() != 200) {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                        bodies.computeIfAbsent(r.body(), k -> new AtomicInteger()).incrementAndGet();
                    } catch (AssertionError e) {
                        failures.add(e.getMessage());
                    }
                }
            });
            client.start();
            clients.add(client);
        }
        try {
            await("load is flowing", () -> bodies.containsKey("v1") && bodies.get("v1").get() > 50);
            for (int version = 2; version <= 4; version++) {
                String body = "v" + version;
                write("routes/app.yaml", app("open", body));
                await(body + " is served", () -> bodies.containsKey(body) && bodies.get(body).get() > 20);
            }
        } finally {
            running.set(false);
            for (Thread t : clients) {
                t.join();
            }
        }
        assertThat(failures).as("failed requests during three reloads").isEmpty();
        int total = bodies.values().stream().mapToInt(AtomicInteger::get).sum();
        assertThat(total).isGreaterThan(150);
        assertThat(get("/app/x").body()).isEqualTo("v4");
        System.out.printf("hot reload under load: %d requests, 3 reloads, 0 failed, bodies %s%n", total, bodies);
    }

    @Test
    void anInvalidRouteFileIsRefusedAuditedAndTheRunningRouteStays() throws Exception {
        write("routes/app.yaml", app("no-such-policy", "v2"));
        await("the change is refused", () -> !rejections().isEmpty());
        JsonNode refused = rejections().get(0);
        assertThat(refused.path("decision").asText()).isEqualTo("error");
        assertThat(refused.path("detail").asText()).contains("app.yaml", "no-such-policy");
        assertThat(get("/app/x").body()).isEqualTo("v1");

        write("routes/app.yaml", "- route: [not, a, route\n");
        await("the broken YAML is refused", () -> rejections().size() == 2);
        assertThat(get("/app/x").body()).isEqualTo("v1");

        write("routes/app.yaml", app("open", "v3"));
        await("the next valid edit applies", () -> get("/app/x").body().equals("v3"));
    }

    @Test
    void aRouteFileAddedServesAndARouteFileRemovedStopsServing() throws Exception {
        assertThat(get("/other/x").statusCode()).isEqualTo(404);
        write("routes/other.yaml", app("open", "other").replace("id: app", "id: other")
                .replace("gateway:/app", "gateway:/other"));
        await("the new route serves", () -> get("/other/x").statusCode() == 200);
        assertThat(get("/other/x").body()).isEqualTo("other");

        Files.delete(dir.resolve("routes/other.yaml"));
        await("the removed route is gone", () -> get("/other/x").statusCode() == 404);
        assertThat(get("/app/x").body()).isEqualTo("v1");
    }

    @Test
    void aRouteIdTakenByAnotherFileIsRefused() throws Exception {
        write("routes/copy.yaml", app("open", "copy").replace("gateway:/app", "gateway:/copy"));
        await("the duplicate id is refused", () -> !rejections().isEmpty());
        assertThat(rejections().get(0).path("detail").asText()).contains("route id 'app' is already used");
        assertThat(get("/copy/x").statusCode()).isEqualTo(404);
        assertThat(get("/app/x").body()).isEqualTo("v1");
    }

    @Test
    void aPolicyChangeInTheConfigurationAppliesAndAnInvalidOneIsRefused() throws Exception {
        String alice = "Bearer " + minter.token("alice", List.of("sre"));
        String bob = "Bearer " + minter.token("bob", List.of("sales"));
        write("routes/app.yaml", app("team", "team"));
        await("the team route serves alice", () -> get("/app/x", "Authorization", alice).body().equals("team"));
        assertThat(get("/app/x", "Authorization", bob).statusCode()).isEqualTo(403);

        // The team is now sales: bob is let in, alice is turned away, without a restart.
        String config = Files.readString(dir.resolve("drawbridge.yaml"));
        write("drawbridge.yaml", config.replace("groups: [sre]", "groups: [sales]"));
        await("the changed policy applies", () -> get("/app/x", "Authorization", bob).statusCode() == 200);
        assertThat(get("/app/x", "Authorization", alice).statusCode()).isEqualTo(403);

        // An invalid policy is refused: the running one stays.
        write("drawbridge.yaml", config.replace("groups: [sre]", "methods: [FETCH]"));
        await("the invalid policy is refused", () -> !rejections().isEmpty());
        assertThat(rejections().get(0).path("detail").asText()).contains("drawbridge.yaml", "FETCH");
        assertThat(get("/app/x", "Authorization", bob).statusCode()).isEqualTo(200);
        assertThat(get("/app/x", "Authorization", alice).statusCode()).isEqualTo(403);
    }

    private static String race(String policy) { // a public policy: no authenticate step
        return app("open", "race").replace("id: app", "id: race").replace("gateway:/app", "gateway:/race")
                .replace("policy=open", "policy=" + policy);
    }

    private String withPolicy(String name) throws Exception {
        return Files.readString(dir.resolve("drawbridge.yaml")).replace("policies:\n", "policies:\n  " + name
                + ":\n    public: true\n");
    }

    @Test
    void aRouteFileAndThePolicyItUsesWrittenInTheSameMomentBothApply() throws Exception {
        String config = withPolicy("racing");
        write("routes/race.yaml", race("racing"));
        write("drawbridge.yaml", config);
        await("the route serves with its new policy", () -> get("/race/x").statusCode() == 200);
        assertThat(get("/race/x").body()).isEqualTo("race");
    }

    @Test
    void aRouteFileRefusedForAPolicyNotYetThereAppliesWhenThePolicyArrives() throws Exception {
        write("routes/race.yaml", race("late"));
        await("the route is refused", () -> !rejections().isEmpty());
        assertThat(rejections().get(0).path("detail").asText()).contains("race.yaml", "late");
        assertThat(get("/race/x").statusCode()).isEqualTo(404);

        write("drawbridge.yaml", withPolicy("late"));
        await("the refused route is tried again and serves", () -> get("/race/x").statusCode() == 200);
        assertThat(get("/race/x").body()).isEqualTo("race");
        assertThat(get("/app/x").body()).isEqualTo("v1");
    }
}
