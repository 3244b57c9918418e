package io.drawbridge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.dev.EchoUpstream;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TokenMinter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management port of a real gateway: health and readiness, Prometheus metrics that follow the traffic,
 * Jolokia suspending and resuming a live route, credentials, and none of it reachable through the data port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "management-password-for-tests";

    private final HttpClient http = HttpClient.newHttpClient();
    private final TokenMinter minter = new TokenMinter();
    private EchoUpstream echo;
    private GatewayFixture gateway;
    private String alice;

    @BeforeAll
    void start(@TempDir Path dir) {
        echo = EchoUpstream.start();
        minter.writeJwks(dir.resolve("jwks.json"));
        alice = minter.token("alice", List.of("sre"));
        gateway = GatewayFixture.start(dir, """
                @TEST_ISSUER@
                policies:
                  sre:
                    allow:
                      - groups: [sre]
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
                        - to: "drawbridge:proxy?upstream={{upstream.echo}}&stripPrefix=true"
                """), Map.of("upstream.echo", echo.url()));
    }

    @AfterAll
    void stop() {
        gateway.close();
        echo.close();
    }

    private HttpResponse<String> management(String path, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().managementPort() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private RawHttp.Response data(String path, String... headers) {
        var request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return RawHttp.exchange(gateway.port(), request.append("\r\n").toString());
    }

    @Test
    void livenessAndReadinessAnswerWithEveryCheck() throws Exception {
        HttpResponse<String> live = management("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).path("status").asText()).isEqualTo("UP");

        HttpResponse<String> ready = management("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode checks = JSON.readTree(ready.body()).path("checks");
        assertThat(checks.fieldNames()).toIterable().containsExactly("camel", "listener", "issuers", "audit");
        assertThat(checks.findValuesAsText("camel")).containsExactly("UP");
        assertThat(ready.headers().firstValue("cache-control")).hasValue("no-store");
    }

    @Test
    void notReadyWhileAnIssuersKeysCannotBeFetched(@TempDir Path dir) throws Exception {
        int dead;
        try (var socket = new ServerSocket(0)) {
            dead = socket.getLocalPort(); // closed again: nothing answers there
        }
        try (var unready = GatewayFixture.start(dir, """
                issuers:
                  - name: down
                    issuer: http://127.0.0.1:%d/realms/down
                    audiences: [drawbridge]
                policies:
                  open:
                    public: true
                """.formatted(dead), Map.of(), Map.of())) {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + unready.gateway().managementPort()
                    + "/health/ready")).build();
            HttpResponse<String> ready = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode body = JSON.readTree(ready.body());
            assertThat(body.path("status").asText()).isEqualTo("DOWN");
            assertThat(body.path("checks").path("issuers").asText()).startsWith("DOWN: no keys yet for [down]");
            assertThat(body.path("checks").path("listener").asText()).isEqualTo("UP");
        }
    }

    @Test
    void metricsFollowTheTrafficByRouteDecisionAndReason() throws Exception {
        int allowedBefore = (int) counter("drawbridge_requests_total", "route=\"echo\"", "decision=\"allow\"");
        int deniedBefore = (int) counter("drawbridge_requests_total", "route=\"echo\"", "reason=\"token-missing\"");

        for (int i = 0; i < 3; i++) {
            assertThat(data("/echo/x", "Authorization: Bearer " + alice).status()).isEqualTo(200);
        }
        assertThat(data("/echo/x").status()).isEqualTo(401);

        awaitCounter("drawbridge_requests_total", allowedBefore + 3, "route=\"echo\"", "decision=\"allow\"");
        awaitCounter("drawbridge_requests_total", deniedBefore + 1, "route=\"echo\"", "reason=\"token-missing\"");
        String scrape = management("/metrics").body();
        assertThat(scrape).contains("drawbridge_request_duration_seconds_bucket{route=\"echo\",le=\"0.005\"}",
                "drawbridge_audit_backlog", "drawbridge_token_cache_hits_total", "jvm_memory_used_bytes",
                "drawbridge_issuer_keys_available{issuer=\"test\"} 1.0");
        assertThat(counter("drawbridge_token_cache_hits_total")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void jolokiaSuspendsAndResumesALiveRoute() throws Exception {
        String auth = basic("operator", PASSWORD);
        JsonNode search = JSON.readTree(post("/jolokia/", """
                {"type":"search","mbean":"org.apache.camel:type=routes,*"}""", auth));
        String echoRoute = null;
        for (JsonNode name : search.path("value")) {
            if (name.asText().contains("name=\"echo\"")) {
                echoRoute = name.asText();
            }
        }
        assertThat(echoRoute).as("the echo route's MBean in %s", search).isNotNull();

        exec(echoRoute, "suspend()", auth);
        try {
            RawHttp.Response suspended = data("/echo/x", "Authorization: Bearer " + alice);
            assertThat(suspended.status()).isEqualTo(503);
            assertThat(JSON.readTree(read(echoRoute, "State", auth)).path("value").asText()).isEqualTo("Suspended");
        } finally {
            exec(echoRoute, "resume()", auth);
        }
        assertThat(data("/echo/x", "Authorization: Bearer " + alice).status()).isEqualTo(200);
        JsonNode exchanges = JSON.readTree(read(echoRoute, "ExchangesTotal", auth));
        assertThat(exchanges.path("value").asLong()).isPositive();
    }

    @Test
    void jolokiaDemandsCredentialsWhileProbesAndScrapersNeedNone() throws Exception {
        assertThat(management("/jolokia/version").statusCode()).isEqualTo(401);
        assertThat(management("/jolokia/version", "Authorization", basic("operator", "wrong-password-123"))
                .statusCode()).isEqualTo(401);
        assertThat(management("/jolokia/version", "Authorization", basic("operator", PASSWORD)).statusCode())
                .isEqualTo(200);
        assertThat(management("/health/ready").statusCode()).isEqualTo(200);
        assertThat(management("/metrics").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/health/live", "/health/ready", "/metrics", "/jolokia/version", "/hawtio/",
        "/echo/../metrics", "/echo/%2e%2e/jolokia/version"})
    void theDataPortServesNoneOfIt(String path) {
        RawHttp.Response response = data(path, "Authorization: Bearer " + alice,
                "Host: 127.0.0.1:" + gateway.gateway().managementPort());
        assertThat(response.status()).isIn(400, 404);
        assertThat(response.text()).doesNotContain("\"status\":\"UP\"", "drawbridge_requests", "jolokia");
    }

    @Test
    void theManagementPortIsOnLoopbackAndNotTheDataPort() {
        assertThat(gateway.gateway().managementPort()).isPositive().isNotEqualTo(gateway.port());
        assertThat(gateway.gateway().config().management().host()).isEqualTo("127.0.0.1");
    }

    private String post(String path, String body, String auth) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().managementPort() + path))
                .header("Authorization", auth).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private void exec(String mbean, String operation, String auth) throws Exception {
        JsonNode result = JSON.readTree(post("/jolokia/", JSON.writeValueAsString(Map.of("type", "exec", "mbean",
                mbean, "operation", operation)), auth));
        assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(200);
    }

    private String read(String mbean, String attribute, String auth) throws Exception {
        return post("/jolokia/", JSON.writeValueAsString(Map.of("type", "read", "mbean", mbean, "attribute",
                attribute)), auth);
    }

    /** The sum of a Prometheus counter over the series whose labels contain every one of {@code labels}. */
    private double counter(String name, String... labels) throws Exception {
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(management("/metrics").body());
        while (m.find()) {
            String series = m.group(1) == null ? "" : m.group(1);
            if (List.of(labels).stream().allMatch(series::contains)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    private void awaitCounter(String name, int expected, String... labels) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        while (counter(name, labels) < expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(counter(name, labels)).isEqualTo(expected);
    }
}
