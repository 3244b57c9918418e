package io.drawbridge.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.TokenMinter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /explain} on the management port, behind its credentials, about the running gateway's routes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplainEndpointIT {

    private static final String PASSWORD = "management-password-for-tests";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private GatewayFixture gateway;

    @BeforeAll
    void start(@TempDir Path dir) {
        new TokenMinter().writeJwks(dir.resolve("jwks.json"));
        gateway = GatewayFixture.start(dir, """
                @TEST_ISSUER@
                policies:
                  sre:
                    allow:
                      - name: sre-reads
                        groups: [sre]
                        methods: [GET]
                management:
                  port: 0
                  username: operator
                  password: %s
                """.formatted(PASSWORD), Map.of("echo.yaml", """
                - route:
                    id: echo
                    from:
                      uri: gateway:/echo
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=sre
                        - to: "drawbridge:proxy?upstream=http://127.0.0.1:9&stripPrefix=true"
                """), Map.of());
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    private HttpResponse<String> post(String body, boolean credentials) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().managementPort()
                + "/explain")).POST(HttpRequest.BodyPublishers.ofString(body));
        if (credentials) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    ("operator:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void explainsADenialAndAnAllowOfTheLiveRoutes() throws Exception {
        var bob = post("{\"method\":\"GET\",\"url\":\"http://gw.example.com/echo/x\",\"user\":\"bob\","
                + "\"groups\":[\"sales\"]}", true);
        var alice = post("{\"method\":\"GET\",\"url\":\"http://gw.example.com/echo/x\",\"user\":\"alice\","
                + "\"groups\":[\"sre\"]}", true);
        var write = post("{\"method\":\"POST\",\"url\":\"/echo/x\",\"user\":\"alice\",\"groups\":[\"sre\"]}", true);

        assertThat(bob.statusCode()).isEqualTo(200);
        JsonNode denied = JSON.readTree(bob.body());
        assertThat(denied.path("route").path("id").asText()).isEqualTo("echo");
        assertThat(denied.path("decision").asText()).isEqualTo("deny");
        assertThat(denied.path("reason").asText()).isEqualTo("group-missing");
        assertThat(denied.at("/policy/allow/0/criteria/0/have").asText()).isEqualTo("you are in sales");
        JsonNode allowed = JSON.readTree(alice.body());
        assertThat(allowed.path("decision").asText()).isEqualTo("allow");
        assertThat(allowed.path("rule").asText()).isEqualTo("sre-reads");
        assertThat(JSON.readTree(write.body()).path("reason").asText()).isEqualTo("method-not-allowed");
    }

    @Test
    void needsTheManagementCredentials() throws Exception {
        var response = post("{\"url\":\"/echo/\",\"user\":\"alice\"}", false);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).doesNotContain("decision");
    }

    @Test
    void aMalformedRequestIsA400() throws Exception {
        assertThat(post("not json", true).statusCode()).isEqualTo(400);
        assertThat(post("{\"user\":\"alice\"}", true).body()).contains("url is required");
    }
}
