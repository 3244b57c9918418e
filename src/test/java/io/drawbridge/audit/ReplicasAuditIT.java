package io.drawbridge.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.dev.EchoUpstream;
import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.KafkaProcess;
import io.drawbridge.testing.TokenMinter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway replicas, the built jar twice, on one {@code drawbridge.yaml}, auditing to one real Kafka broker
 * (KRaft, a child JVM): concurrent allowed and denied requests at both make one consistent stream, and a broker
 * outage makes the replicas unready, holds responses back until their records are in Kafka, and loses nothing.
 * <p>
 * Everything that replicas must share is in {@link #sharedConfiguration}: the cases for browser sessions (a cookie
 * set by one replica accepted by the other) belong in this class, on the same two replicas, with their keys there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasAuditIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "drawbridge-audit";
    private static final List<String> INSTANCES = List.of("gw-a", "gw-b");
    /** Sequential clients per replica, each on a connection of its own. */
    private static final int CLIENTS = 4;
    private static final int REQUESTS_PER_CLIENT = 260;

    private final TokenMinter minter = new TokenMinter();
    private final Map<String, GatewayProcess> replicas = new LinkedHashMap<>();
    private final Map<String, Integer> managementPorts = new HashMap<>();
    private final Set<String> sentIds = ConcurrentHashMap.newKeySet();
    private KafkaProcess kafka;
    private EchoUpstream echo;
    private String alice;
    private String bob;
    private List<Sent> beforeOutage;
    private final Set<String> stopping = ConcurrentHashMap.newKeySet();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("kafka"));
        kafka = KafkaProcess.start(dir.resolve("kafka"));
        System.out.printf("Kafka broker (KRaft, child JVM) formatted and started in %d ms%n",
                kafka.startTime().toMillis());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
            // several partitions: each replica's records must stay in order in the one its key picks
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        }
        echo = EchoUpstream.start();
        minter.writeJwks(dir.resolve("jwks.json"));
        alice = minter.token("alice", List.of("sre"));
        bob = minter.token("bob", List.of());
        Path config = sharedConfiguration(dir);
        for (String instance : INSTANCES) {
            Path work = Files.createDirectories(dir.resolve(instance));
            int port = GatewayProcess.freePort();
            int management = GatewayProcess.freePort();
            managementPorts.put(instance, management);
            replicas.put(instance, GatewayProcess.start(work, port, List.of("-Xmx256m"),
                    List.of("--config", config.toString()),
                    Map.of("GATEWAY_PORT", String.valueOf(port), "MANAGEMENT_PORT", String.valueOf(management),
                            "HOSTNAME", instance)));
        }
    }

    /**
     * The one configuration every replica runs: only the ports differ (environment), and the instance (HOSTNAME).
     * What replicas must share for browser sessions (the cookie keys) is to be added here.
     */
    private Path sharedConfiguration(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/apps.yaml"), """
                - route:
                    id: public
                    from:
                      uri: gateway:/public
                      steps:
                        - to: drawbridge:authorize?policy=open
                        - to: "drawbridge:proxy?upstream={{upstream.echo}}&stripPrefix=true"
                - route:
                    id: echo
                    from:
                      uri: gateway:/echo
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=sre
                        - to: "drawbridge:proxy?upstream={{upstream.echo}}&stripPrefix=true"
                """);
        return Files.writeString(dir.resolve("drawbridge.yaml"), """
                server:
                  host: 127.0.0.1
                  port: ${GATEWAY_PORT}
                management:
                  port: ${MANAGEMENT_PORT}
                issuers:
                  - name: test
                    issuer: %s
                    jwksFile: %s
                    audiences: [%s]
                policies:
                  open:
                    public: true
                  sre:
                    allow:
                      - groups: [sre]
                audit:
                  endpoint: kafka:%s?brokers=%s
                routes:
                  - file:%s/*.yaml
                properties:
                  upstream.echo: %s
                """.formatted(TokenMinter.ISSUER, dir.resolve("jwks.json"), TokenMinter.AUDIENCE, TOPIC,
                kafka.bootstrap(), dir.resolve("routes"), echo.url()));
    }

    @AfterAll
    void stop() {
        replicas.values().forEach(GatewayProcess::close);
        if (kafka != null) {
            kafka.stop();
        }
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    @Order(1)
    void concurrentRequestsAtBothReplicasMakeOneConsistentStream() throws Exception {
        long begin = System.nanoTime();
        List<Sent> sent = drive(REQUESTS_PER_CLIENT);
        System.out.printf("%d requests at %d replicas in %d ms%n", sent.size(), replicas.size(),
                (System.nanoTime() - begin) / 1_000_000);
        assertThat(sent).hasSize(INSTANCES.size() * CLIENTS * REQUESTS_PER_CLIENT);
        assertThat(sent.stream().map(Sent::status).collect(Collectors.toSet())).contains(200, 401, 403);

        begin = System.nanoTime();
        Map<String, List<Consumed>> stream = consumeUntil(sent, Duration.ofSeconds(30));
        System.out.printf("all %d records consumed %d ms after the last response%n", sent.size(),
                (System.nanoTime() - begin) / 1_000_000);
        assertOneConsistentStream(sent, stream);
        assertThat(stream.keySet()).as("no record the clients did not cause").isSubsetOf(sentIds);
        beforeOutage = sent;
    }

    @Test
    @Order(2)
    void brokerOutageHoldsResponsesBackUntilTheirRecordsAreInKafka() throws Exception {
        System.out.printf("Kafka broker stopped (SIGTERM) in %d ms%n", kafka.stop().toMillis());
        ExecutorService driver = Executors.newSingleThreadExecutor();
        Future<List<Sent>> during = driver.submit(() -> drive(10));
        for (String instance : INSTANCES) {
            JsonNode ready = awaitReadiness(instance, r -> r.path("status").asText().equals("DOWN"));
            assertThat(ready.path("checks").path("audit").asText()).startsWith("DOWN: the audit sink cannot write")
                    .doesNotEndWith("backlog 0");
            assertThat(metrics(instance)).contains("drawbridge_audit_failing 1.0");
        }
        assertThat(during.isDone()).as("no response while its record cannot reach Kafka").isFalse();

        Duration restart = kafka.restart();
        System.out.printf("Kafka broker restarted on its data in %d ms%n", restart.toMillis());
        List<Sent> sent = during.get(120, java.util.concurrent.TimeUnit.SECONDS);
        driver.shutdown();
        assertThat(sent.stream().map(Sent::status).collect(Collectors.toSet())).contains(200, 401, 403);
        Map<String, List<Consumed>> stream = consumeUntil(sent, Duration.ofSeconds(60));
        assertOneConsistentStream(sent, stream);
        if (beforeOutage != null) {
            assertOneConsistentStream(beforeOutage, stream); // the broker kept them across its restart
        }
        for (String instance : INSTANCES) {
            awaitReadiness(instance, r -> r.path("status").asText().equals("UP"));
            assertThat(metrics(instance)).contains("drawbridge_audit_failing 0.0")
                    .contains("drawbridge_audit_backlog 0.0");
        }
    }

    @Test
    @Order(100) // last: it stops a replica
    void sigtermSendsEveryQueuedRecordBeforeTheReplicaExits() throws Exception {
        String instance = INSTANCES.get(1);
        GatewayProcess replica = replicas.get(instance);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<List<Sent>>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> client(instance, client, 100_000)));
            }
            Thread.sleep(1500); // under load when the signal comes: records are in flight to Kafka
            stopping.add(instance);
            int exit = replica.stop();
            List<Sent> sent = new ArrayList<>();
            for (Future<List<Sent>> f : clients) {
                sent.addAll(f.get());
            }
            System.out.printf("%d requests answered by %s until SIGTERM (statuses %s); exit status %d%n",
                    sent.size(), instance, sent.stream().collect(Collectors.groupingBy(Sent::status,
                            java.util.TreeMap::new, Collectors.counting())), exit);
            assertThat(sent).isNotEmpty();
            // Draining: kept-alive connections close instead of meeting stopped routes.
            assertThat(sent).extracting(Sent::status).as("statuses while stopping").doesNotContain(503);
            assertOneConsistentStream(sent, consumeUntil(sent, Duration.ofSeconds(30)));
            assertThat(replica.log()).doesNotContain("unsent record");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(101) // after the other replica stopped: this one stops too, with the broker gone
    void sigtermWithKafkaDownEndsInTimeAndLogsWhatKafkaNeverTook() throws Exception {
        String instance = INSTANCES.get(0);
        GatewayProcess replica = replicas.get(instance);
        kafka.stop();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<List<Sent>> held = pool.submit(() -> client(instance, 0, 1)); // waits for Kafka: never answered
            awaitReadiness(instance, r -> r.path("status").asText().equals("DOWN"));
            stopping.add(instance);
            long begin = System.nanoTime();
            int exit = replica.stop();
            long millis = (System.nanoTime() - begin) / 1_000_000;
            System.out.printf("SIGTERM with Kafka down: exit %d after %d ms%n", exit, millis);
            assertThat(exit).as("a clean exit, not the kill after 30 s").isIn(0, 143);
            assertThat(millis).as("the 10 s shutdown wait, then the rest").isLessThan(20_000);
            assertThat(replica.log()).containsPattern("unsent record: \\{[^\\n]*\"path\":\"/public/p0\"");
            assertThat(held.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("no response left without its record")
                    .isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    // --- what the clients did

    private record Sent(String instance, int client, int sequence, String requestId, int status, String path) {
    }

    /** {@link #CLIENTS} sequential clients per replica, all at once, cycling through allowed and denied requests. */
    private List<Sent> drive(int requestsPerClient) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(INSTANCES.size() * CLIENTS);
        try {
            List<Future<List<Sent>>> futures = new ArrayList<>();
            for (String instance : INSTANCES) {
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    futures.add(pool.submit(() -> client(instance, client, requestsPerClient)));
                }
            }
            List<Sent> all = new ArrayList<>();
            for (Future<List<Sent>> f : futures) {
                all.addAll(f.get());
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Sent> client(String instance, int client, int requests) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Sent> sent = new ArrayList<>(requests);
        int port = replicas.get(instance).port();
        for (int i = 0; i < requests; i++) {
            String path;
            var request = HttpRequest.newBuilder().timeout(Duration.ofSeconds(90)); // held while Kafka is down
            switch (i % 4) {
                case 0 -> path = "/public/p" + i;                                      // allowed, public
                case 1 -> {
                    path = "/echo/a" + i;                                              // allowed, alice is sre
                    request.header("Authorization", "Bearer " + alice);
                }
                case 2 -> path = "/echo/n" + i;                                        // 401, no token
                default -> {
                    path = "/echo/b" + i;                                              // 403, bob is not sre
                    request.header("Authorization", "Bearer " + bob);
                }
            }
            HttpResponse<Void> response;
            try {
                response = http.send(request.uri(URI.create("http://127.0.0.1:" + port + path)).build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (java.io.IOException e) {
                if (replicas.get(instance).isAlive() && !stopping.contains(instance)) {
                    throw e;
                }
                break; // the replica is shutting down: it answered what it answered
            }
            String id = response.headers().firstValue("X-Request-Id").orElseThrow();
            sentIds.add(id);
            sent.add(new Sent(instance, client, i, id, response.statusCode(), path));
        }
        return sent;
    }

    // --- what the stream holds

    private record Consumed(int partition, long offset, JsonNode json) {
    }

    /** Reads the whole topic until every sent request id is in it (or the time is up); by request id. */
    private Map<String, List<Consumed>> consumeUntil(List<Sent> sent, Duration timeout) throws Exception {
        Set<String> wanted = sent.stream().map(Sent::requestId).collect(Collectors.toSet());
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, List<Consumed>> byId = new HashMap<>();
        while (true) {
            byId = readTopic();
            if (byId.keySet().containsAll(wanted) || System.nanoTime() > deadline) {
                return byId;
            }
            Thread.sleep(250);
        }
    }

    private Map<String, List<Consumed>> readTopic() throws Exception {
        Map<String, List<Consumed>> byId = new HashMap<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions); // no consumer group: nothing to coordinate, every read from the start
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode json = JSON.readTree(r.value()); // throws on anything that is not one JSON object
                    assertThat(r.key()).as("record key").isEqualTo(json.path("instance").asText());
                    byId.computeIfAbsent(json.path("requestId").asText(), k -> new ArrayList<>())
                            .add(new Consumed(r.partition(), r.offset(), json));
                }
            }
        }
        return byId;
    }

    private void assertOneConsistentStream(List<Sent> sent, Map<String, List<Consumed>> stream) {
        Map<String, Integer> partitionOf = new HashMap<>();
        for (Sent s : sent) {
            List<Consumed> records = stream.getOrDefault(s.requestId(), List.of());
            assertThat(records).as("records of request %s", s.requestId()).hasSize(1);
            JsonNode r = records.get(0).json();
            assertThat(fieldNames(r)).as("fields of %s", r).containsAll(List.of("time", "requestId", "decision",
                    "reason", "subject", "groups", "route", "method", "path", "host", "status", "clientIp",
                    "upstream", "durationMs", "bytesIn", "bytesOut", "instance"));
            assertThat(r.path("instance").asText()).isEqualTo(s.instance());
            assertThat(r.path("status").asInt()).isEqualTo(s.status());
            assertThat(r.path("path").asText()).isEqualTo(s.path());
            assertThat(r.path("decision").asText()).as("decision of %s", r)
                    .isEqualTo(switch (s.status()) {
                        case 200 -> "allow";
                        case 401, 403 -> "deny";
                        default -> "error"; // a replica shutting down answers what still arrives with an error
                    });
            Integer partition = partitionOf.putIfAbsent(s.instance(), records.get(0).partition());
            assertThat(partition == null ? records.get(0).partition() : partition)
                    .as("one partition per instance").isEqualTo(records.get(0).partition());
        }
        // each client's requests were sequential: their records follow the same order in the stream
        Map<String, List<Sent>> byClient = sent.stream()
                .collect(Collectors.groupingBy(s -> s.instance() + "/" + s.client()));
        for (var client : byClient.entrySet()) {
            List<Long> offsets = client.getValue().stream()
                    .sorted((a, b) -> Integer.compare(a.sequence(), b.sequence()))
                    .map(s -> stream.get(s.requestId()).get(0).offset()).toList();
            List<Long> sorted = new ArrayList<>(offsets);
            Collections.sort(sorted);
            assertThat(offsets).as("stream order of client %s", client.getKey()).isEqualTo(sorted);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // --- the replicas' management ports

    private JsonNode awaitReadiness(String instance, Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = JSON.readTree(management(instance, "/health/ready"));
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("readiness of " + instance + " stayed " + last);
    }

    private String metrics(String instance) throws Exception {
        return management(instance, "/metrics");
    }

    private String management(String instance, String path) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPorts.get(instance) + path))
                .timeout(Duration.ofSeconds(10)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
}
