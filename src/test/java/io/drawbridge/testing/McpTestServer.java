package io.drawbridge.testing;

import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;

/**
 * A real MCP server from the official Java SDK (streamable HTTP at {@code /mcp}, on Jetty, loopback, a free port)
 * with a harmless tool, {@code echo}, and a dangerous one, {@code delete_repo}. It records every tool it ran, so a
 * test can tell a refused call from one that reached the server.
 */
public final class McpTestServer implements AutoCloseable {

    /**
     * The SDK's default schema validator needs json-schema-validator 2.x, which cannot share the class path with the
     * 1.5 the Kamelet tests use; these tools declare no output schema, so nothing is validated anyway.
     */
    public static final JsonSchemaValidator NO_OUTPUT_SCHEMAS = (schema, content) ->
            JsonSchemaValidator.ValidationResponse.asValid(null);

    private final Server jetty;
    private final McpSyncServer mcp;
    private final List<String> ran = new CopyOnWriteArrayList<>();

    public McpTestServer() {
        var transport = HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
        mcp = McpServer.sync(transport)
                .serverInfo("test-tools", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(tool("echo", "Says the text back"), tool("delete_repo", "Deletes a repository"))
                .jsonSchemaValidator(NO_OUTPUT_SCHEMAS)
                .build();
        jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        var context = new ServletContextHandler();
        var holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            throw new IllegalStateException("the MCP test server did not start", e);
        }
    }

    private SyncToolSpecification tool(String name, String description) {
        var schema = new McpSchema.JsonSchema("object", Map.of("text", Map.of("type", "string")), List.of(), null,
                null, null);
        return SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name(name).description(description).inputSchema(schema).build())
                .callHandler((exchange, request) -> {
                    ran.add(name);
                    return McpSchema.CallToolResult.builder()
                            .addTextContent(name + ": " + request.arguments().getOrDefault("text", ""))
                            .build();
                })
                .build();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}; the MCP endpoint is {@code /mcp} under it. */
    public String url() {
        return "http://127.0.0.1:" + ((NetworkConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** The tools the server ran, in order. */
    public List<String> ran() {
        return List.copyOf(ran);
    }

    @Override
    public void close() {
        mcp.close();
        try {
            jetty.stop();
        } catch (Exception e) {
            // stopping a test server: nothing left to do
        }
    }
}
