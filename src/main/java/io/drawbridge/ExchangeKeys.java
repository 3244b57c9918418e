package io.drawbridge;

/**
 * Names of the exchange properties the stages hand each other. State travels in properties, never in headers:
 * a client can forge a header, not a property.
 */
public final class ExchangeKeys {

    /** {@code String}: the request id, also sent to the client and upstream as {@code X-Request-Id}. */
    public static final String REQUEST_ID = "drawbridge.requestId";
    /** {@code RequestFacts}: method, normalized path and host as the policy sees them. */
    public static final String REQUEST_FACTS = "drawbridge.requestFacts";
    /** {@code Identity}: who the caller is, once authenticated. */
    public static final String IDENTITY = "drawbridge.identity";
    /** {@code Decision}: the authorization decision for this request. */
    public static final String DECISION = "drawbridge.decision";
    /** {@code Reason}: why the request failed before or after the decision (authentication, upstream). */
    public static final String FAILURE_REASON = "drawbridge.failureReason";
    /** {@code String}: the route id whose listener received the request. */
    public static final String ROUTE_ID = "drawbridge.routeId";
    /** {@code String}: the upstream origin the request was proxied to. */
    public static final String UPSTREAM = "drawbridge.upstream";
    /**
     * {@code String}: how the catalog enrichment was obtained, for the audit record: {@code fresh}, {@code cached},
     * {@code stale:<seconds>s}, {@code not-in-catalog} or {@code unavailable}. Absent when no enrich step ran.
     */
    public static final String CATALOG = "drawbridge.catalog";
    /**
     * {@code String}: what the route's cache did for the request, for the audit record: {@code hit}, {@code miss},
     * {@code stale} (an expired entry, fetched again) or {@code bypass}. Absent on routes without a cache.
     */
    public static final String CACHE = "drawbridge.cache";
    /**
     * {@code List<String>}: {@code Set-Cookie} values a step wants on the response, whatever the response is (the
     * upstream's, an error, a redirect): a renewed or ended session.
     */
    public static final String RESPONSE_COOKIES = "drawbridge.responseCookies";
    /**
     * {@code Redirect}: the request ends with this redirect (a browser sent to sign in). The step that sets it
     * stops the route; it is no error for Camel to handle or log.
     */
    public static final String REDIRECT = "drawbridge.redirect";
    /**
     * {@code StreamPermit}: how long what authenticated the request holds (a token's expiry, a session's end or
     * sign-out); a streaming response or WebSocket is cut when it ends. Set by the authenticate step.
     */
    public static final String STREAM_PERMIT = "drawbridge.streamPermit";
    /**
     * {@code List<String>}: names of the gateway's own cookies the upstream tried to set, removed from its
     * response (for the audit record's detail).
     */
    public static final String UPSTREAM_COOKIES_REMOVED = "drawbridge.upstreamCookiesRemoved";
    /**
     * {@code Boolean}: the route runs for a front's decision request ({@code drawbridge:decide}); its proxy step
     * answers 200 with the identity headers and the assertion instead of calling the upstream.
     */
    public static final String DECIDE_ONLY = "drawbridge.decideOnly";
    /** {@code Boolean}: the proxy step answered a front's decision request (200 with the identity headers). */
    public static final String FRONT_ANSWERED = "drawbridge.frontAnswered";
    /** {@code RoutePolicy}: the policy the authorize step applied, for the refusal page's explanation. */
    public static final String POLICY = "drawbridge.policy";
    /** {@code ClientRequest}: the edge's handle on the client connection, for streaming and upgrades. */
    public static final String CLIENT_REQUEST = "drawbridge.clientRequest";

    // MCP routes (gateway:...?mcp=true)
    /** {@code McpRequest}: the JSON-RPC calls of a request to an MCP route, read by the edge before the route runs. */
    public static final String MCP_REQUEST = "drawbridge.mcpRequest";
    /** {@code String}: the MCP route's resource URL (RFC 9728), which tokens must name as audience (RFC 8707). */
    public static final String MCP_RESOURCE = "drawbridge.mcpResource";
    /**
     * {@code Boolean}: the caller is admitted to the MCP route but this call was refused; the edge answers with a
     * JSON-RPC error the client's SDK hands to the agent, rather than an HTTP failure.
     */
    public static final String MCP_CALL_REFUSED = "drawbridge.mcpCallRefused";
    /** {@code String}: why the body of a request to an MCP route cannot be judged; the authorize step refuses it. */
    public static final String MCP_INVALID = "drawbridge.mcpInvalid";

    private ExchangeKeys() {
    }
    /** {@code io.drawbridge.access.Grant}: the grant that admitted the caller ({@code grant-active}), for the audit. */
    public static final String GRANT = "drawbridge.grant";
}
