package io.drawbridge.route;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * A catalog-owned MCP server: a Component of {@code spec.type: mcp-server} declares its route, and its
 * {@code drawbridge.io/mcp-tools} says the automation group may call {@code echo} while only its owners (sre) may
 * call any tool. A real MCP client and server from the official Java SDK talk through the route.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpCatalogRouteIT {

    private static final String CATALOG = """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: { name: sre }
            spec: { type: team, children: [] }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: { name: automation }
            spec: { type: team, children: [] }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: { name: alice }
            spec: { profile: { email: alice@example.com }, memberOf: [sre] }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: { name: ci-bot }
            spec: { profile: { email: ci-bot@example.com }, memberOf: [automation] }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: repo-tools
              annotations:
                drawbridge.io/upstream: "%s/mcp"
                drawbridge.io/path: /repo-tools
                drawbridge.io/allow: owners, group:default/automation
                drawbridge.io/mcp-tools: |
                  read: echo, list_*
                  owners: "*"
            spec: { type: mcp-server, lifecycle: production, owner: sre }
            """;

    private final TokenMinter minter = new TokenMinter();
    private final McpTestServer server = new McpTestServer();
    private GatewayFixture gateway;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        minter.writeJwks(dir.resolve("jwks.json"));
        Files.createDirectories(dir.resolve("catalog"));
        Files.writeString(dir.resolve("catalog/all.yaml"), CATALOG.formatted(server.url()));
        gateway = GatewayFixture.start(dir, """
                issuers:
                  - name: test
                    issuer: https://issuer.test
                    jwksFile: @DIR@/jwks.json
                    audiences: [drawbridge]
                    authorizedParties: [test-client]   # its tokens name the MCP route's resource too: two audiences
                policies:
                  none:
                    allow:
                      - groups: [nobody]
                catalog:
                  files: @DIR@/catalog/*.yaml
                  pollInterval: 300ms
                  routes: true
                """, Map.of(), Map.of());
        long deadline = System.currentTimeMillis() + 15_000; // the catalog's first poll declares the route
        while (metadata().statusCode() != 200) {
            assertThat(System.currentTimeMillis()).as("the catalog route never appeared").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private HttpResponse<String> metadata() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                gateway.url("/.well-known/oauth-protected-resource/repo-tools"))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @AfterAll
    void stop() {
        gateway.close();
        server.close();
    }

    private McpSyncClient client(String user) {
        String token = minter.token(user, List.of(),
                b -> b.audience(List.of(TokenMinter.AUDIENCE, gateway.url("/repo-tools"))));
        var transport = HttpClientStreamableHttpTransport.builder(gateway.url(""))
                .endpoint("/repo-tools")
                .customizeRequest(r -> r.header("Authorization", "Bearer " + token))
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10))
                .jsonSchemaValidator(McpTestServer.NO_OUTPUT_SCHEMAS).build();
    }

    @Test
    void theAutomationGroupCallsTheReadToolsOnly() {
        try (McpSyncClient agent = client("ci-bot")) {
            try {
                agent.initialize();
            } catch (RuntimeException e) {
                throw new AssertionError(gateway.auditRecords().toString(), e);
            }
            assertThat(agent.listTools().tools()).extracting(McpSchema.Tool::name).contains("delete_repo");
            var echoed = agent.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "hi")));
            assertThat(((McpSchema.TextContent) echoed.content().get(0)).text()).isEqualTo("echo: hi");
            assertThatThrownBy(() -> agent.callTool(new McpSchema.CallToolRequest("delete_repo", Map.of())))
                    .isInstanceOf(McpError.class).hasMessageContaining("delete_repo");
        }
        JsonNode refused = gateway.auditRecords().stream()
                .filter(r -> "delete_repo".equals(r.path("mcpTool").asText(null))).reduce((a, b) -> b).orElseThrow();
        assertThat(refused.path("decision").asText()).isEqualTo("deny");
        assertThat(refused.path("route").asText()).isEqualTo("catalog-component-default-repo-tools");
    }

    @Test
    void theOwnersCallAnyTool() {
        try (McpSyncClient owner = client("alice")) {
            owner.initialize();
            var result = owner.callTool(new McpSchema.CallToolRequest("delete_repo", Map.of("text", "old")));
            assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("delete_repo: old");
        }
    }

    @Test
    void servesTheMetadataOfTheCatalogRoute() throws Exception {
        var response = metadata();

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode doc = new ObjectMapper().readTree(response.body());
        assertThat(doc.path("resource").asText()).isEqualTo(gateway.url("/repo-tools"));
        assertThat(doc.path("authorization_servers")).extracting(JsonNode::asText).containsExactly(TokenMinter.ISSUER);
    }
}
