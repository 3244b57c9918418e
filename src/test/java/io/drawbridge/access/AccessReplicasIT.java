package io.drawbridge.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.PostgresProcess;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two full gateway replicas on one real PostgreSQL (started by the test): bob is denied on both, asks on replica
 * A, alice approves on A, and within 5 s bob is admitted on replica B under the grant; alice revokes it on B, and
 * within 5 s bob is denied on A again. Everything goes through the HTTP API with bearer tokens, as a CLI would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessReplicasIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROPAGATION = Duration.ofSeconds(5);

    private final TokenMinter minter = new TokenMinter();
    private final TestUpstream upstream = new TestUpstream();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private PostgresProcess postgres;
    private GatewayFixture replicaA;
    private GatewayFixture replicaB;
    private String alice;
    private String bob;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        postgres = PostgresProcess.start();
        String url = postgres.createDatabase("replicas");
        Path jwks = minter.writeJwks(dir.resolve("jwks.json"));
        alice = minter.token("alice", List.of("sre"));
        bob = minter.token("bob", List.of("platform"));
        // the password as a placeholder (secrets are never literals), its default the fixture's
        String config = """
                issuers:
                  - name: test
                    issuer: https://issuer.test
                    jwksFile: %s
                    audiences: [drawbridge]
                policies:
                  sre-only:
                    allow: [{groups: [sre]}]
                    request:
                      approvers: [user:default/alice]
                      maxDuration: 8h
                      defaultDuration: 1h
                      reason: required
                access:
                  store:
                    url: %s
                    username: %s
                    password: ${DRAWBRIDGE_TEST_ACCESS_DB_PASSWORD:-%s}
                """.formatted(jwks, url, PostgresProcess.USER, PostgresProcess.PASSWORD);
        String route = """
                - route:
                    id: echo
                    from:
                      uri: "gateway:/echo"
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=sre-only
                        - to: "drawbridge:proxy?upstream={{upstream}}&stripPrefix=true"
                """;
        replicaA = GatewayFixture.start(Files.createDirectories(dir.resolve("a")), config,
                Map.of("echo.yaml", route), Map.of("upstream", upstream.url()));
        replicaB = GatewayFixture.start(Files.createDirectories(dir.resolve("b")), config,
                Map.of("echo.yaml", route), Map.of("upstream", upstream.url()));
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {replicaA, replicaB, upstream, postgres}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private HttpResponse<String> get(GatewayFixture replica, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(replica.url(path)))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(GatewayFixture replica, String path, String token, String json)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(replica.url(path)))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Polls bob's request on {@code replica} until its status passes {@code wanted} or 5 s are over. */
    private int bobsStatusWithin5s(GatewayFixture replica, IntPredicate wanted) throws Exception {
        long deadline = System.nanoTime() + PROPAGATION.toNanos();
        int status = get(replica, "/echo/hello", bob).statusCode();
        while (!wanted.test(status) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = get(replica, "/echo/hello", bob).statusCode();
        }
        return status;
    }

    @Test
    void aGrantApprovedOnOneReplicaAdmitsOnTheOtherAndARevocationThereDeniesHere() throws Exception {
        assertThat(get(replicaA, "/echo/hello", bob).statusCode()).isEqualTo(403);
        assertThat(get(replicaB, "/echo/hello", bob).statusCode()).isEqualTo(403);

        HttpResponse<String> asked = post(replicaA, "/.drawbridge/access/requests", bob,
                "{\"route\":\"echo\",\"duration\":\"1h\",\"reason\":\"deploying the fix\"}");
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
        String requestId = JSON.readTree(asked.body()).path("id").asText();

        HttpResponse<String> approved = post(replicaA, "/.drawbridge/access/requests/" + requestId + "/approve",
                alice, "{}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        JsonNode grant = JSON.readTree(approved.body());
        String grantId = grant.path("id").asText();
        assertThat(grantId).isNotBlank();

        assertThat(get(replicaA, "/echo/hello", bob).statusCode()).as("at once on the approving replica")
                .isEqualTo(200);
        assertThat(bobsStatusWithin5s(replicaB, s -> s == 200)).as("replica B admits within 5 s").isEqualTo(200);
        HttpResponse<String> onB = get(replicaB, "/echo/hello", bob);
        JsonNode allowed = replicaB.audit(onB.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(allowed.path("decision").asText()).isEqualTo("allow");
        assertThat(allowed.path("reason").asText()).isEqualTo("grant-active");
        assertThat(allowed.toString()).contains(grantId);

        HttpResponse<String> revoked = post(replicaB, "/.drawbridge/access/grants/" + grantId + "/revoke", alice,
                "{}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

        assertThat(get(replicaB, "/echo/hello", bob).statusCode()).as("at once on the revoking replica")
                .isEqualTo(403);
        assertThat(bobsStatusWithin5s(replicaA, s -> s == 403)).as("replica A denies within 5 s").isEqualTo(403);
    }

    @Test
    void theSameRequestCannotBeApprovedTwiceThroughTwoReplicas() throws Exception {
        String carol = minter.token("carol", List.of("contractors"));
        HttpResponse<String> asked = post(replicaB, "/.drawbridge/access/requests", carol,
                "{\"route\":\"echo\",\"duration\":\"30m\",\"reason\":\"audit\"}");
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
        String requestId = JSON.readTree(asked.body()).path("id").asText();

        int first = post(replicaA, "/.drawbridge/access/requests/" + requestId + "/approve", alice, "{}")
                .statusCode();
        int replayed = post(replicaB, "/.drawbridge/access/requests/" + requestId + "/approve", alice, "{}")
                .statusCode();

        assertThat(first).isEqualTo(200);
        assertThat(replayed).isEqualTo(409);
    }

    @Test
    void bothReplicasReportTheirGrantsFreshInReadinessAndMetrics() throws IOException, InterruptedException {
        for (GatewayFixture replica : List.of(replicaA, replicaB)) {
            replica.awaitReady();
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + replica.gateway().managementPort() + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(JSON.readTree(ready.body()).path("checks").path("access").asText()).isEqualTo("UP");
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + replica.gateway().managementPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("drawbridge_access_grants_healthy 1.0")
                    .contains("drawbridge_access_requests_open").contains("drawbridge_access_grants_active");
        }
    }
}
