package io.drawbridge.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.PostgresProcess;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store goes away under a running gateway (a real PostgreSQL, stopped by the test): a new request gets 503
 * {@code access-store-unavailable}, the grant read before keeps admitting until
 * {@code access.maxStaleness}, then admits nobody (fail closed) while readiness reports the store; when the
 * database is back, the grant admits again.
 */
class AccessStoreOutageIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void requestsGet503GrantsFailClosedAndReadinessSaysWhy(@TempDir Path dir) throws Exception {
        var minter = new TokenMinter();
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (var postgres = PostgresProcess.start(); var upstream = new TestUpstream()) {
            String url = postgres.createDatabase("outage");
            Path jwks = minter.writeJwks(dir.resolve("jwks.json"));
            String alice = minter.token("alice", List.of("sre"));
            String bob = minter.token("bob", List.of());
            String config = """
                    issuers:
                      - name: test
                        issuer: https://issuer.test
                        jwksFile: %s
                        audiences: [drawbridge]
                    policies:
                      sre-only:
                        allow: [{groups: [sre]}]
                        request: {approvers: ["user:default/alice"]}
                    access:
                      store: {url: "%s", username: %s, password: "${DRAWBRIDGE_TEST_ACCESS_DB_PASSWORD:-%s}"}
                      refresh: 1s
                      maxStaleness: 15s
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
            try (var gateway = GatewayFixture.start(dir, config, Map.of("echo.yaml", route),
                    Map.of("upstream", upstream.url())).awaitReady()) {
                String id = JSON.readTree(post(http, gateway, "/.drawbridge/access/requests", bob,
                        "{\"route\":\"echo\",\"reason\":\"before the outage\"}").body()).path("id").asText();
                assertThat(post(http, gateway, "/.drawbridge/access/requests/" + id + "/approve", alice, "{}")
                        .statusCode()).isEqualTo(200);
                assertThat(get(http, gateway, "/echo/", bob).statusCode()).isEqualTo(200);

                postgres.stop();
                HttpResponse<String> refused = post(http, gateway, "/.drawbridge/access/requests", alice,
                        "{\"route\":\"echo\",\"reason\":\"during the outage\"}");
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(JSON.readTree(refused.body()).path("reason").asText()).isEqualTo("access-store-unavailable");
                assertThat(get(http, gateway, "/echo/", bob).statusCode()).as("the last grants read still admit")
                        .isEqualTo(200);

                long closedBy = System.currentTimeMillis() + 30_000; // past maxStaleness
                int closed;
                do {
                    Thread.sleep(500);
                    closed = get(http, gateway, "/echo/", bob).statusCode();
                } while (closed != 403 && System.currentTimeMillis() < closedBy);
                assertThat(closed).as("fail closed").isEqualTo(403);
                JsonNode ready = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.gateway().managementPort() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertThat(ready.path("checks").path("access").asText()).isNotEqualTo("UP");

                postgres.startAgain();
                long deadline = System.currentTimeMillis() + 20_000;
                int status;
                do {
                    Thread.sleep(500);
                    status = get(http, gateway, "/echo/", bob).statusCode();
                } while (status != 200 && System.currentTimeMillis() < deadline);
                assertThat(status).as("admitted again once the store answers").isEqualTo(200);
            }
        }
    }

    private static HttpResponse<String> post(HttpClient http, GatewayFixture gateway, String path, String token,
                                             String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(HttpClient http, GatewayFixture gateway, String path, String token)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
