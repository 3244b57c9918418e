package io.drawbridge.policy;

/**
 * What a policy may look at about the request itself, after the edge normalized it.
 *
 * @param method the HTTP method, upper case
 * @param path   the normalized path the client asked for (the same path the gateway forwards from), without query
 * @param host   the request's host, lower case, without port
 * @param mcp    on an MCP route, the JSON-RPC call the request carries ({@link McpCall#NO_CALL} for none); {@code null}
 *               on other routes
 */
public record RequestFacts(String method, String path, String host, McpCall mcp) {

    public RequestFacts(String method, String path, String host) {
        this(method, path, host, null);
    }

    /** The same request, judged for one call of its JSON-RPC body. */
    public RequestFacts withMcp(McpCall call) {
        return new RequestFacts(method, path, host, call);
    }
}
