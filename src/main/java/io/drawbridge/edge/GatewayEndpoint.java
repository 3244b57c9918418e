package io.drawbridge.edge;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code gateway:<path-prefix>[?host=...&websocket=true&mcp=true]}: where a route listens. Consumer only.
 */
public final class GatewayEndpoint extends DefaultEndpoint {

    private final String prefix;

    @UriParam(description = "Serve only requests for this host (exact, or *.example.com); default any host")
    private String host;

    @UriParam(defaultValue = "false", description = "Let clients upgrade to WebSocket on this route")
    private boolean websocket;

    @UriParam(defaultValue = "false", description = "Read the whole request body (up to maxBufferedBody) before "
            + "the route runs, for routes that answer themselves; proxied routes stream instead")
    private boolean bufferBody;

    @UriParam(defaultValue = "65536", description = "Largest body read when bufferBody is on, in bytes (else 413)")
    @Metadata(label = "advanced")
    private long maxBufferedBody = 64 * 1024;
    private boolean maxBufferedBodySet;

    @UriParam(defaultValue = "false", description = "The route fronts an MCP server (streamable HTTP): its JSON-RPC"
            + " bodies are read (up to maxBufferedBody, 1 MiB unless set) so policies can judge each call, it serves"
            + " protected resource metadata (RFC 9728), and tokens must name its resource URL as audience")
    private boolean mcp;

    @UriParam(description = "mcp: the route's public URL, the resource tokens must be minted for, e.g."
            + " https://gw.example.com/mcp; default the request's scheme and Host with the route's prefix")
    private String resource;

    @UriParam(description = "mcp: the scopes to list in the protected resource metadata, comma-separated; default"
            + " none")
    private String scopes;

    @UriParam(label = "cors", description = "Origins (scheme://host[:port], comma-separated, or *) whose pages may "
            + "call this route from a browser; preflights are answered by the gateway; default none (no CORS)")
    private String corsOrigins;

    @UriParam(label = "cors", defaultValue = "GET,HEAD,POST", description = "Methods those pages may use")
    private String corsMethods = "GET,HEAD,POST";

    @UriParam(label = "cors", defaultValue = "Authorization,Content-Type",
            description = "Request headers those pages may send")
    private String corsHeaders = "Authorization,Content-Type";

    @UriParam(label = "cors", defaultValue = "X-Request-Id", description = "Response headers their scripts may read")
    private String corsExposeHeaders = "X-Request-Id";

    @UriParam(label = "cors", defaultValue = "false", description = "Let them send cookies and Authorization; "
            + "never with corsOrigins=*")
    private boolean corsCredentials;

    @UriParam(label = "cors", defaultValue = "600", description = "How long browsers may keep a preflight's "
            + "answer, in seconds")
    private long corsMaxAge = 600;

    private CorsPolicy cors;

    GatewayEndpoint(String uri, GatewayComponent component, String prefix) {
        super(uri, component);
        this.prefix = RouteTable.normalizePrefix(prefix);
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("gateway: endpoints only listen (use them in from)");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        try {
            cors = corsOrigins == null ? null : CorsPolicy.of(corsOrigins, corsMethods, corsHeaders,
                    corsExposeHeaders, corsCredentials, corsMaxAge);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gateway:" + prefix + ": " + e.getMessage(), e);
        }
        var consumer = new GatewayConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public GatewayComponent getComponent() {
        return (GatewayComponent) super.getComponent();
    }

    public String getPrefix() {
        return prefix;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public boolean isWebsocket() {
        return websocket;
    }

    public void setWebsocket(boolean websocket) {
        this.websocket = websocket;
    }

    public boolean isBufferBody() {
        return bufferBody;
    }

    public void setBufferBody(boolean bufferBody) {
        this.bufferBody = bufferBody;
    }

    public long getMaxBufferedBody() {
        return mcp && !maxBufferedBodySet ? 1024 * 1024 : maxBufferedBody;
    }

    public void setMaxBufferedBody(long maxBufferedBody) {
        this.maxBufferedBody = maxBufferedBody;
        this.maxBufferedBodySet = true;
    }

    public boolean isMcp() {
        return mcp;
    }

    public void setMcp(boolean mcp) {
        this.mcp = mcp;
    }

    public String getResource() {
        return resource;
    }

    public void setResource(String resource) {
        this.resource = resource;
    }

    public String getScopes() {
        return scopes;
    }

    public void setScopes(String scopes) {
        this.scopes = scopes;
    }

    /** The route's cross-origin rules, or {@code null} when it has none. */
    CorsPolicy cors() {
        return cors;
    }

    public String getCorsOrigins() {
        return corsOrigins;
    }

    public void setCorsOrigins(String corsOrigins) {
        this.corsOrigins = corsOrigins;
    }

    public String getCorsMethods() {
        return corsMethods;
    }

    public void setCorsMethods(String corsMethods) {
        this.corsMethods = corsMethods;
    }

    public String getCorsHeaders() {
        return corsHeaders;
    }

    public void setCorsHeaders(String corsHeaders) {
        this.corsHeaders = corsHeaders;
    }

    public String getCorsExposeHeaders() {
        return corsExposeHeaders;
    }

    public void setCorsExposeHeaders(String corsExposeHeaders) {
        this.corsExposeHeaders = corsExposeHeaders;
    }

    public boolean isCorsCredentials() {
        return corsCredentials;
    }

    public void setCorsCredentials(boolean corsCredentials) {
        this.corsCredentials = corsCredentials;
    }

    public long getCorsMaxAge() {
        return corsMaxAge;
    }

    public void setCorsMaxAge(long corsMaxAge) {
        this.corsMaxAge = corsMaxAge;
    }
}
