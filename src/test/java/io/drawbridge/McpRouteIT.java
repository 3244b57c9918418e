package io.drawbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.McpTestServer;
import io.drawbridge.testing.TokenMinter;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An MCP route in front of a real MCP server, with a real MCP client, both from the official Java SDK, talking
 * streamable HTTP through the gateway: discovery through the 401, audience binding, tool-level policy (a permitted
 * call, a refused one, a batch hiding a forbidden call, a body over the limit) and the audit record of each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpRouteIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METADATA = Pattern.compile("resource_metadata=\"([^\"]+)\"");

    private final TokenMinter minter = new TokenMinter();
    private final McpTestServer server = new McpTestServer();
    private final HttpClient http = HttpClient.newHttpClient();
    private GatewayFixture gateway;
    private String resource;

    @BeforeAll
    void start(@TempDir Path dir) {
        minter.writeJwks(dir.resolve("jwks.json"));
        gateway = GatewayFixture.start(dir, """
                issuers:
                  - name: test
                    issuer: https://issuer.test
                    jwksFile: @DIR@/jwks.json
                    audiences: [drawbridge]
                    authorizedParties: [test-client]   # its tokens name the MCP route's resource too: two audiences
                policies:
                  tools:
                    allow:
                      - name: agents
                        groups: [automation]
                        mcpTools: [echo, "list_*"]
                      - name: owners
                        groups: [sre]
                        mcpTools: ["*"]
                """, Map.of("mcp.yaml", """
                - route:
                    id: mcp
                    from:
                      uri: gateway:/mcp?mcp=true&scopes=mcp:tools
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=tools
                        - to: drawbridge:proxy?upstream={{upstream}}
                """), Map.of("upstream", server.url()));
        resource = gateway.url("/mcp");
    }

    @AfterAll
    void stop() {
        gateway.close();
        server.close();
    }

    /** A token the MCP route accepts: audience both the gateway and the route's resource URL. */
    private String token(String user, String group) {
        return minter.token(user, List.of(group), b -> b.audience(List.of(TokenMinter.AUDIENCE, resource)));
    }

    private McpSyncClient client(String token) {
        var transport = HttpClientStreamableHttpTransport.builder(gateway.url(""))
                .endpoint("/mcp")
                .customizeRequest(r -> r.header("Authorization", "Bearer " + token))
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10))
                .jsonSchemaValidator(McpTestServer.NO_OUTPUT_SCHEMAS).build();
    }

    private HttpResponse<String> post(String token, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(resource))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode auditOf(HttpResponse<?> response) {
        return gateway.audit(response.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void aClientWithoutTokenFindsTheIssuerThroughThe401() throws Exception {
        var refused = post(null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}""");

        assertThat(refused.statusCode()).isEqualTo(401);
        Matcher m = METADATA.matcher(refused.headers().firstValue("WWW-Authenticate").orElse(""));
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo(gateway.url("/.well-known/oauth-protected-resource/mcp"));
        JsonNode error = JSON.readTree(refused.body());
        assertThat(error.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(error.path("id").asInt()).isEqualTo(1);

        var metadata = http.send(HttpRequest.newBuilder(URI.create(m.group(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metadata.statusCode()).isEqualTo(200);
        JsonNode doc = JSON.readTree(metadata.body());
        assertThat(doc.path("resource").asText()).isEqualTo(resource);
        assertThat(doc.path("authorization_servers")).extracting(JsonNode::asText).containsExactly(TokenMinter.ISSUER);
        assertThat(doc.path("scopes_supported")).extracting(JsonNode::asText).containsExactly("mcp:tools");
        assertThat(doc.path("bearer_methods_supported")).extracting(JsonNode::asText).containsExactly("header");

        JsonNode record = auditOf(refused);
        assertThat(record.path("reason").asText()).isEqualTo("token-missing");
        assertThat(record.path("mcpMethod").asText()).isEqualTo("initialize");
    }

    @Test
    void aBodyItCannotJudgeStillEarnsTheChallengeFirst() throws Exception {
        var refused = post(null, "");

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElse("")).contains("resource_metadata=");
        assertThat(auditOf(refused).path("reason").asText()).isEqualTo("token-missing");
    }

    @Test
    void noMetadataForARouteThatIsNotAnMcpRoute() throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(
                gateway.url("/.well-known/oauth-protected-resource/other"))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void anAgentCallsThePermittedToolAndIsRefusedTheDangerousOne() {
        long deletes = server.ran().stream().filter("delete_repo"::equals).count();
        try (McpSyncClient agent = client(token("ci-bot", "automation"))) {
            agent.initialize();
            assertThat(agent.listTools().tools()).extracting(McpSchema.Tool::name)
                    .containsExactlyInAnyOrder("echo", "delete_repo");

            var echoed = agent.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "hello")));
            assertThat(((McpSchema.TextContent) echoed.content().get(0)).text()).isEqualTo("echo: hello");

            assertThatThrownBy(() -> agent.callTool(new McpSchema.CallToolRequest("delete_repo",
                    Map.of("text", "prod")))).isInstanceOf(McpError.class).hasMessageContaining("delete_repo");
        }
        assertThat(server.ran()).contains("echo").filteredOn("delete_repo"::equals).hasSize((int) deletes);

        JsonNode allowed = lastRecordFor("echo");
        assertThat(allowed.path("decision").asText()).isEqualTo("allow");
        assertThat(allowed.path("subject").asText()).isEqualTo("ci-bot");
        assertThat(allowed.path("mcpMethod").asText()).isEqualTo("tools/call");
        assertThat(allowed.has("mcpArguments")).isFalse(); // arguments stay out unless audit.mcpArguments is on
        JsonNode refused = lastRecordFor("delete_repo");
        assertThat(refused.path("decision").asText()).isEqualTo("deny");
        assertThat(refused.path("reason").asText()).isEqualTo("no-rule-matched"); // neither agents nor owners
        assertThat(refused.path("status").asInt()).isEqualTo(200); // a JSON-RPC error the SDK gives the agent
        assertThat(refused.path("upstream").isNull()).isTrue();
    }

    @Test
    void anOwnerMayCallTheDangerousTool() {
        try (McpSyncClient owner = client(token("alice", "sre"))) {
            owner.initialize();
            var result = owner.callTool(new McpSchema.CallToolRequest("delete_repo", Map.of("text", "scratch")));
            assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("delete_repo: scratch");
        }
        assertThat(lastRecordFor("delete_repo").path("decision").asText()).isEqualTo("allow");
    }

    @Test
    void refusesATokenMintedForAnotherServer() throws Exception {
        String elsewhere = minter.token("ci-bot", List.of("automation"),
                b -> b.audience(List.of(TokenMinter.AUDIENCE, "https://other.example/mcp")));

        var response = post(elsewhere, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}""");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElse(""))
                .contains("invalid_token").contains("resource_metadata=");
        JsonNode record = auditOf(response);
        assertThat(record.path("reason").asText()).isEqualTo("audience-mismatch");
        assertThat(record.path("upstream").isNull()).isTrue();
        try (McpSyncClient agent = client(elsewhere)) {
            assertThatThrownBy(agent::initialize).isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void refusesABatchThatHidesAForbiddenCallAmongAllowedOnes() throws Exception {
        int before = server.ran().size();

        var response = post(token("ci-bot", "automation"), """
                [{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{}}},
                 {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"delete_repo","arguments":{}}},
                 {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_repos","arguments":{}}}]""");

        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").path("code").asInt()).isEqualTo(-32001);
        assertThat(body.path("id").isNull()).isTrue();
        assertThat(server.ran()).hasSize(before);
        JsonNode record = auditOf(response);
        assertThat(record.path("decision").asText()).isEqualTo("deny");
        assertThat(record.path("reason").asText()).isEqualTo("no-rule-matched"); // two allow rules, neither held
        assertThat(record.path("mcpTool").asText()).isEqualTo("echo"); // the record names the batch's first call
    }

    @Test
    void refusesABodyOverTheLimitWithoutPassingIt() throws Exception {
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"text\":\"" + "x".repeat(1024 * 1024) + "\"}}}";

        var response = post(token("ci-bot", "automation"), big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(auditOf(response).path("reason").asText()).isEqualTo("body-too-large");
    }

    @Test
    void refusesABodyThatIsNotJsonRpc() throws Exception {
        var response = post(token("ci-bot", "automation"), "{\"method\":\"tools/call\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(auditOf(response).path("reason").asText()).isEqualTo("mcp-request-invalid");
    }

    private JsonNode lastRecordFor(String tool) {
        List<JsonNode> records = gateway.auditRecords().stream()
                .filter(r -> tool.equals(r.path("mcpTool").asText(null))).toList();
        assertThat(records).as("audit records of tool %s", tool).isNotEmpty();
        return records.get(records.size() - 1);
    }
}
