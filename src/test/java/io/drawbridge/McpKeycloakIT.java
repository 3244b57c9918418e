package io.drawbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.KeycloakProcess;
import io.drawbridge.testing.McpTestServer;
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
import java.util.Base64;
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
 * An agent with a real Keycloak's client-credentials token (client drawbridge-machine, whose tokens the realm
 * fixture makes for audience https://tools.drawbridge.test/mcp as well as drawbridge) on an MCP route whose public
 * URL is that resource: it discovers Keycloak from the gateway's metadata, gets its token there, and calls tools
 * through the official MCP Java SDK. The same token on a route bound to another resource is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpKeycloakIT {

    private static final String RESOURCE = "https://tools.drawbridge.test/mcp";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final McpTestServer server = new McpTestServer();
    private final HttpClient http = HttpClient.newHttpClient();
    private KeycloakProcess keycloak;
    private GatewayFixture gateway;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        keycloak = KeycloakProcess.start("http://127.0.0.1:1/oauth2/callback", "http://127.0.0.1:1/");
        gateway = GatewayFixture.start(dir, """
                issuers:
                  - name: keycloak
                    issuer: %s
                    audiences: [drawbridge]
                    authorizedParties: [drawbridge-machine]   # its tokens name the MCP route's resource too: two audiences
                policies:
                  tools:
                    allow:
                      - users: [service-account-drawbridge-machine]
                        mcpTools: [echo]
                """.formatted(keycloak.issuer()), Map.of("mcp.yaml", """
                - route:
                    id: mcp
                    from:
                      uri: "gateway:/mcp?mcp=true&resource=%s"
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=tools
                        - to: drawbridge:proxy?upstream={{upstream}}
                - route:
                    id: other
                    from:
                      uri: "gateway:/other?mcp=true&resource=https://other.drawbridge.test/mcp"
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=tools
                        - to: drawbridge:proxy?upstream={{upstream}}/mcp
                """.formatted(RESOURCE)), Map.of("upstream", server.url())).awaitReady();
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        server.close();
        if (keycloak != null) {
            keycloak.close();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** From the 401 to a token: the metadata names Keycloak, Keycloak's discovery its token endpoint. */
    private String discoverAndGetToken() throws Exception {
        var challenge = send(HttpRequest.newBuilder(URI.create(gateway.url("/mcp")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}")));
        assertThat(challenge.statusCode()).isEqualTo(401);
        Matcher m = Pattern.compile("resource_metadata=\"([^\"]+)\"")
                .matcher(challenge.headers().firstValue("WWW-Authenticate").orElse(""));
        assertThat(m.find()).isTrue();
        // the public URL is the resource's; this test reaches the gateway directly, on the same path
        assertThat(m.group(1)).isEqualTo("https://tools.drawbridge.test/.well-known/oauth-protected-resource/mcp");
        JsonNode metadata = JSON.readTree(send(HttpRequest.newBuilder(URI.create(
                gateway.url("/.well-known/oauth-protected-resource/mcp")))).body());
        assertThat(metadata.path("resource").asText()).isEqualTo(RESOURCE);
        String issuer = metadata.path("authorization_servers").get(0).asText();
        assertThat(issuer).isEqualTo(keycloak.issuer());
        String tokenEndpoint = JSON.readTree(send(HttpRequest.newBuilder(URI.create(
                issuer + "/.well-known/openid-configuration"))).body()).path("token_endpoint").asText();
        var token = send(HttpRequest.newBuilder(URI.create(tokenEndpoint))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("drawbridge-machine:drawbridge-machine-secret".getBytes()))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return JSON.readTree(token.body()).path("access_token").asText();
    }

    private McpSyncClient client(String path, String token) {
        var transport = HttpClientStreamableHttpTransport.builder(gateway.url(""))
                .endpoint(path).customizeRequest(r -> r.header("Authorization", "Bearer " + token)).build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10))
                .jsonSchemaValidator(McpTestServer.NO_OUTPUT_SCHEMAS).build();
    }

    @Test
    void aKeycloakMachineTokenCallsThePermittedToolAndIsRefusedTheOther() throws Exception {
        String token = discoverAndGetToken();

        try (McpSyncClient agent = client("/mcp", token)) {
            agent.initialize();
            var echoed = agent.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "from keycloak")));
            assertThat(((McpSchema.TextContent) echoed.content().get(0)).text()).isEqualTo("echo: from keycloak");
            assertThatThrownBy(() -> agent.callTool(new McpSchema.CallToolRequest("delete_repo", Map.of())))
                    .isInstanceOf(McpError.class);
        }
        var records = gateway.auditRecords().stream().filter(r -> r.has("mcpTool")).toList();
        assertThat(records).extracting(r -> r.path("mcpTool").asText() + " " + r.path("decision").asText())
                .contains("echo allow", "delete_repo deny");
        assertThat(records).extracting(r -> r.path("issuer").asText()).containsOnly("keycloak");
    }

    @Test
    void theSameTokenIsRefusedOnARouteBoundToAnotherResource() throws Exception {
        String token = discoverAndGetToken();

        var response = send(HttpRequest.newBuilder(URI.create(gateway.url("/other")))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")));

        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode record = gateway.audit(response.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(record.path("reason").asText()).isEqualTo("audience-mismatch");
        assertThat(record.path("upstream").isNull()).isTrue();
    }
}
