package io.drawbridge.policy;

/**
 * What one JSON-RPC message on an MCP route asks of the server, as the edge read it from the request body; the
 * {@code mcpMethods} and {@code mcpTools} criteria look at it. A batch is judged one message at a time.
 *
 * @param method the JSON-RPC method ({@code tools/call}, {@code initialize}, ...), or {@code null} for a request
 *               that carries no call: a GET for the server's event stream, a DELETE that ends the session, the
 *               client's answer to a request of the server
 * @param tool   for {@code tools/call}, the name of the tool; otherwise {@code null}
 */
public record McpCall(String method, String tool) {

    public static final String TOOLS_CALL = "tools/call";

    /** A request on an MCP route that carries no JSON-RPC call. */
    public static final McpCall NO_CALL = new McpCall(null, null);

    /**
     * Discovery and the protocol's own traffic: {@code initialize}, {@code ping}, {@code tools/list},
     * notifications, and requests with no call. Allow rules with MCP criteria let these through for whoever the
     * rule's other criteria admit, so that a tool allow-list never breaks a client's discovery.
     */
    public boolean isDiscovery() {
        return method == null || method.equals("initialize") || method.equals("ping") || method.equals("tools/list")
                || method.startsWith("notifications/");
    }
}
