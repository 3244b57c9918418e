package io.drawbridge.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.RawHttp;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The README's first command, {@code java -jar drawbridge.jar --dev}, in a fresh folder: the "done when" walk of
 * the gateway issue, checked request by request against the audit file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DevModeIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private GatewayProcess gateway;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir Path dir) {
        this.dir = dir;
        int port = GatewayProcess.freePort();
        gateway = GatewayProcess.start(dir, port, List.of(), List.of("--dev"),
                Map.of("DRAWBRIDGE_DEV_PORT", String.valueOf(port)));
        awaitReady();
    }

    /** Started is not ready: the dev issuer's keys are fetched after startup; wait until readiness says so. */
    private void awaitReady() {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            var management = java.util.regex.Pattern.compile("Management on (http://127\\.0\\.0\\.1:\\d+)")
                    .matcher(gateway.log());
            if (management.find()) {
                try {
                    if (client.send(HttpRequest.newBuilder(URI.create(management.group(1) + "/health/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (Exception e) {
                    // not yet
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("dev mode did not become ready within 60 s:\n" + gateway.log());
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            assertThat(gateway.stop()).isIn(0, 143);
        }
    }

    private String base() {
        return "http://127.0.0.1:" + gateway.port();
    }

    private String token(String form) throws Exception {
        var response = client.send(HttpRequest.newBuilder(URI.create(base() + "/dev-idp/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    /** The walk the banner prints: bob is denied, asks, alice approves, bob gets in; the audit log tells it. */
    @Test
    void bobAsksForTheEchoRouteAndAliceApproves() throws Exception {
        assertThat(gateway.log()).contains("/.drawbridge/access", "Request access");
        String alice = token("grant_type=password&client_id=drawbridge-cli&username=alice&password=alice");
        String bob = token("grant_type=password&client_id=drawbridge-cli&username=bob&password=bob");
        assertThat(get("/echo/", "Authorization: Bearer " + bob).status()).isEqualTo(403);

        var asked = client.send(HttpRequest.newBuilder(URI.create(base() + "/.drawbridge/access/requests"))
                .header("Authorization", "Bearer " + bob).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"route\":\"echo\",\"duration\":\"1h\","
                        + "\"reason\":\"on call\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
        String id = JSON.readTree(asked.body()).path("id").asText();
        var approved = client.send(HttpRequest.newBuilder(URI.create(base() + "/.drawbridge/access/requests/" + id
                        + "/approve")).header("Authorization", "Bearer " + alice)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);

        assertThat(get("/echo/", "Authorization: Bearer " + bob).status()).isEqualTo(200);

        // bob gives the grant up again: the other tests of this class meet the demo as it starts
        String grant = JSON.readTree(approved.body()).path("id").asText();
        var revoked = client.send(HttpRequest.newBuilder(URI.create(base() + "/.drawbridge/access/grants/" + grant
                        + "/revoke")).header("Authorization", "Bearer " + bob)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(get("/echo/", "Authorization: Bearer " + bob).status()).isEqualTo(403);
    }

    private RawHttp.Response get(String path, String... headers) {
        var request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.port() + "\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return RawHttp.exchange(gateway.port(), request.append("\r\n").toString());
    }

    @Test
    void printsABannerWithCurlCommandsForLoopbackOnly() {
        // GatewayProcess returns once the gateway has started completely, the banner included
        assertThat(gateway.log()).contains("DEV MODE", "in a browser", "/oauth2/logout", "for development only", "curl",
                base() + "/echo/", "127.0.0.1:" + gateway.port() + "/dev-idp");
    }

    @Test
    void aBrowserSignsInAtTheDevIssuerAndSeesTheEcho() throws Exception {
        var browser = new io.drawbridge.testing.CookieClient();
        var toLogin = browser.get(base() + "/echo/x?y=1");
        assertThat(toLogin.statusCode()).isEqualTo(302);
        String authorize = toLogin.headers().firstValue("Location").orElseThrow();
        assertThat(authorize).startsWith(base() + "/dev-idp/authorize?").contains("code_challenge_method=S256");

        var form = browser.get(authorize);
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("id=\"username\"", "id=\"password\"");
        String query = URI.create(authorize).getRawQuery();
        var wrong = browser.send(HttpRequest.newBuilder(URI.create(base() + "/dev-idp/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(query + "&username=alice&password=bob")));
        assertThat(wrong.statusCode()).isEqualTo(401);
        var signedIn = browser.send(HttpRequest.newBuilder(URI.create(base() + "/dev-idp/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(query + "&username=alice&password=alice")));
        assertThat(signedIn.statusCode()).isEqualTo(302);
        String callback = signedIn.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith(base() + "/oauth2/callback?code=");

        var back = browser.get(callback);
        assertThat(back.statusCode()).as(back.body()).isEqualTo(303);
        assertThat(back.headers().firstValue("Location")).contains("/echo/x?y=1");
        var echo = browser.get(base() + "/echo/x?y=1");
        assertThat(echo.statusCode()).as(echo.body()).isEqualTo(200);
        assertThat(JSON.readTree(echo.body()).at("/headers/X-Forwarded-User").toString()).isEqualTo("[\"alice\"]");

        var logout = browser.send(HttpRequest.newBuilder(URI.create(base() + "/oauth2/logout"))
                .header("Origin", base()).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(logout.statusCode()).isEqualTo(303);
        assertThat(logout.headers().firstValue("Location").orElseThrow()).startsWith(base() + "/dev-idp/logout?");
        assertThat(browser.get(base() + "/echo/").statusCode()).isEqualTo(302);
    }

    @Test
    void servesAStandardDiscoveryDocument() throws Exception {
        JsonNode doc = JSON.readTree(get("/dev-idp/.well-known/openid-configuration").body());
        assertThat(doc.path("issuer").asText()).isEqualTo(base() + "/dev-idp");
        assertThat(doc.path("jwks_uri").asText()).isEqualTo(base() + "/dev-idp/jwks");
        assertThat(doc.path("token_endpoint").asText()).isEqualTo(base() + "/dev-idp/token");
    }

    @Test
    void decidesForAFrontOnThisMachineAtDrawbridgeAuth() throws Exception {
        String alice = token("grant_type=password&client_id=drawbridge-cli&username=alice&password=alice");
        String bob = token("grant_type=password&client_id=drawbridge-cli&username=bob&password=bob");
        String original = "X-Forwarded-Method: GET\r\nX-Forwarded-Uri: /echo/x?y=1";

        var allowed = get("/.drawbridge/auth", original, "Authorization: Bearer " + alice);
        var denied = get("/.drawbridge/auth", original, "Authorization: Bearer " + bob);
        var browser = get("/.drawbridge/auth", original, "Accept: text/html");
        var nginxBrowser = get("/.drawbridge/auth-request", original, "Accept: text/html");

        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("X-Forwarded-User")).isEqualTo("alice");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(browser.status()).isEqualTo(302);
        assertThat(browser.header("Location")).startsWith(base() + "/dev-idp/authorize?");
        assertThat(nginxBrowser.status()).isEqualTo(401);
        assertThat(nginxBrowser.header("Location")).startsWith(base() + "/dev-idp/authorize?");
        List<JsonNode> records = auditRecords(List.of(allowed.header("X-Request-Id"), denied.header("X-Request-Id")));
        assertThat(records).extracting(r -> r.path("route").asText()).containsExactly("echo", "echo");
        assertThat(records).extracting(r -> r.path("path").asText()).containsExactly("/echo/x", "/echo/x");
        assertThat(records).extracting(r -> r.path("upstream").asText()).containsOnly("front:127.0.0.1");
    }

    @Test
    void walksTheGatewayIssueDoneWhen() throws Exception {
        String alice = token("grant_type=password&client_id=drawbridge-cli&username=alice&password=alice");
        String bob = token("grant_type=password&client_id=drawbridge-cli&username=bob&password=bob");
        List<String> ids = new ArrayList<>();

        var anonymous = get("/echo/");
        assertThat(anonymous.status()).isEqualTo(401);
        ids.add(anonymous.header("X-Request-Id"));

        var asAlice = get("/echo/", "Authorization: Bearer " + alice, "X-Forwarded-User: mallory");
        assertThat(asAlice.status()).isEqualTo(200);
        assertThat(JSON.readTree(asAlice.body()).at("/headers/X-Forwarded-User").toString())
                .isEqualTo("[\"alice\"]");
        ids.add(asAlice.header("X-Request-Id"));

        var asBob = get("/echo/", "Authorization: Bearer " + bob);
        assertThat(asBob.status()).isEqualTo(403);
        ids.add(asBob.header("X-Request-Id"));

        var open = get("/public/");
        assertThat(open.status()).isEqualTo(200);
        ids.add(open.header("X-Request-Id"));

        var camel = get("/echo/", "Authorization: Bearer " + alice, "CamelHttpUri: http://127.0.0.2:9/");
        assertThat(camel.status()).isEqualTo(200);
        JsonNode echoed = JSON.readTree(camel.body());
        assertThat(echoed.path("path").asText()).isEqualTo("/");
        assertThat(echoed.path("headers").toString()).doesNotContainIgnoringCase("camel");
        ids.add(camel.header("X-Request-Id"));

        List<JsonNode> records = auditRecords(ids);
        assertThat(records).extracting(r -> r.path("requestId").asText()).containsExactlyElementsOf(ids);
        assertThat(records).extracting(r -> r.path("decision").asText())
                .containsExactly("deny", "allow", "deny", "allow", "allow");
        assertThat(records).extracting(r -> r.path("reason").asText())
                .containsExactly("token-missing", "rule-matched", "group-missing", "public-route", "rule-matched");
    }

    @Test
    void letsTheMachineClientInThroughTheSameRules() throws Exception {
        var response = client.send(HttpRequest.newBuilder(URI.create(base() + "/dev-idp/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString("ci-bot:ci-bot-secret".getBytes()))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        String ci = JSON.readTree(response.body()).path("access_token").asText();
        var denied = get("/echo/", "Authorization: Bearer " + ci);
        assertThat(denied.status()).isEqualTo(403); // ci-bot is in "automation", the echo route wants "sre"
        JsonNode record = auditRecords(List.of(denied.header("X-Request-Id"))).get(0);
        assertThat(record.path("subject").asText()).isEqualTo("ci-bot");
        assertThat(record.path("groups").toString()).isEqualTo("[\"automation\"]");
    }

    /**
     * The MCP issue's "done when": an MCP client (the official Java SDK) pointed at /mcp without a token finds the
     * issuer from the 401, gets a token as ci-bot for that resource, calls the harmless tool, is refused the
     * dangerous one with a JSON-RPC error, and both decisions are in the audit log with the tool's name.
     */
    @Test
    void anAgentDiscoversTheIssuerCallsTheHarmlessToolAndIsRefusedTheDangerousOne() throws Exception {
        String mcp = base() + "/mcp";
        var challenge = client.send(HttpRequest.newBuilder(URI.create(mcp)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(challenge.statusCode()).isEqualTo(401);
        var at = java.util.regex.Pattern.compile("resource_metadata=\"([^\"]+)\"")
                .matcher(challenge.headers().firstValue("WWW-Authenticate").orElse(""));
        assertThat(at.find()).isTrue();
        JsonNode metadata = getJson(at.group(1));
        assertThat(metadata.path("resource").asText()).isEqualTo(mcp);
        String issuer = metadata.path("authorization_servers").get(0).asText();
        String tokenEndpoint = getJson(issuer + "/.well-known/openid-configuration").path("token_endpoint").asText();
        var tokenResponse = client.send(HttpRequest.newBuilder(URI.create(tokenEndpoint))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString("ci-bot:ci-bot-secret".getBytes()))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&resource="
                        + java.net.URLEncoder.encode(mcp, java.nio.charset.StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        String token = JSON.readTree(tokenResponse.body()).path("access_token").asText();

        var transport = io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport.builder(base())
                .endpoint("/mcp").customizeRequest(r -> r.header("Authorization", "Bearer " + token)).build();
        try (var agent = io.modelcontextprotocol.client.McpClient.sync(transport)
                .jsonSchemaValidator(io.drawbridge.testing.McpTestServer.NO_OUTPUT_SCHEMAS).build()) {
            agent.initialize();
            assertThat(agent.listTools().tools()).extracting(t -> t.name()).contains("echo", "delete_repo");
            var echoed = agent.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "hi")));
            assertThat(((McpSchema.TextContent) echoed.content().get(0)).text()).isEqualTo("hi");
            assertThatThrownBy(() -> agent.callTool(new McpSchema.CallToolRequest("delete_repo",
                    Map.of("repo", "prod")))).isInstanceOf(io.modelcontextprotocol.spec.McpError.class)
                    .hasMessageContaining("delete_repo");
        }

        List<JsonNode> calls = mcpToolRecords(2);
        assertThat(calls).extracting(r -> r.path("mcpTool").asText()).containsExactly("echo", "delete_repo");
        assertThat(calls).extracting(r -> r.path("decision").asText()).containsExactly("allow", "deny");
        assertThat(calls).extracting(r -> r.path("subject").asText()).containsOnly("ci-bot");
    }

    @Test
    void refusesOnTheMcpRouteATokenNotMintedForIt() throws Exception {
        String token = token("grant_type=password&client_id=drawbridge-cli&username=alice&password=alice");
        var response = client.send(HttpRequest.newBuilder(URI.create(base() + "/mcp"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401); // aud is "drawbridge", not the route's URL
        JsonNode record = auditRecords(List.of(response.headers().firstValue("X-Request-Id").orElseThrow())).get(0);
        assertThat(record.path("reason").asText()).isEqualTo("audience-mismatch");
    }

    private JsonNode getJson(String url) throws Exception {
        var response = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** The audit records that name a tool, waiting until there are {@code count}. */
    private List<JsonNode> mcpToolRecords(int count) throws Exception {
        Path file = dir.resolve(".drawbridge/audit.jsonl");
        long deadline = System.currentTimeMillis() + 5000;
        while (true) {
            List<JsonNode> found = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                JsonNode record = JSON.readTree(line);
                if (record.has("mcpTool")) {
                    found.add(record);
                }
            }
            if (found.size() >= count || System.currentTimeMillis() > deadline) {
                return found;
            }
            Thread.sleep(50);
        }
    }

    @Test
    void refusesWrongPasswordsAndUnknownClients() throws Exception {
        var wrong = client.send(HttpRequest.newBuilder(URI.create(base() + "/dev-idp/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=password&client_id=drawbridge-cli&username=alice&password=bob")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("invalid_grant").doesNotContain("access_token");
    }

    private List<JsonNode> auditRecords(List<String> ids) throws Exception {
        Path file = dir.resolve(".drawbridge/audit.jsonl");
        long deadline = System.currentTimeMillis() + 5000;
        while (true) {
            List<JsonNode> found = new ArrayList<>();
            if (Files.exists(file)) {
                List<JsonNode> all = new ArrayList<>();
                for (String line : Files.readAllLines(file)) {
                    all.add(JSON.readTree(line));
                }
                for (String id : ids) {
                    all.stream().filter(r -> r.path("requestId").asText().equals(id)).forEach(found::add);
                }
            }
            if (found.size() >= ids.size() || System.currentTimeMillis() > deadline) {
                return found;
            }
            Thread.sleep(50);
        }
    }
}
