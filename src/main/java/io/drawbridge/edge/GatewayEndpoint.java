package io.drawbridge.edge;

import io.drawbridge.EndpointOption;
import java.util.List;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

import static io.drawbridge.EndpointOption.flag;
import static io.drawbridge.EndpointOption.number;
import static io.drawbridge.EndpointOption.text;

/**
 * {@code gateway:<path-prefix>[?host=...&websocket=true&mcp=true]}: where a route listens. Consumer only. Its
 * options are declared once in {@link #OPTIONS}; the fields hold the values, with the same defaults.
 */
public final class GatewayEndpoint extends DefaultEndpoint {

    /** The options of {@code gateway:}, checked by {@link GatewayComponent} and listed in the reference. */
    public static final List<EndpointOption> OPTIONS = List.of(
            text("host", "Serve only requests for this host (exact, or *.example.com); default any host"),
            flag("websocket", false, "Let clients upgrade to WebSocket on this route"),
            flag("bufferBody", false, "Read the whole request body (up to maxBufferedBody) before the route runs,"
                    + " for routes that answer themselves; proxied routes stream instead"),
            number("maxBufferedBody", "Largest body read when bufferBody is on, in bytes (else 413); default"
                    + " 65536, or 1048576 on an MCP route"),
            flag("mcp", false, "The route fronts an MCP server (streamable HTTP): its JSON-RPC bodies are read (up"
                    + " to maxBufferedBody) so policies can judge each call, it serves protected resource metadata"
                    + " (RFC 9728), and tokens must name its resource URL as audience"),
            text("resource", "mcp: the route's public URL, the resource tokens must be minted for, e.g."
                    + " https://gw.example.com/mcp; default the request's scheme and Host with the route's prefix"),
            text("scopes", "mcp: the scopes to list in the protected resource metadata, comma-separated; default"
                    + " none"),
            text("corsOrigins", "Origins (scheme://host[:port], comma-separated, or *) whose pages may call this"
                    + " route from a browser; preflights are answered by the gateway; default none (no CORS)"),
            text("corsMethods", "GET,HEAD,POST", "Methods those pages may use"),
            text("corsHeaders", "Authorization,Content-Type", "Request headers those pages may send"),
            text("corsExposeHeaders", "X-Request-Id", "Response headers their scripts may read"),
            flag("corsCredentials", false, "Let them send cookies and Authorization; never with corsOrigins=*"),
            number("corsMaxAge", 600, "How long browsers may keep a preflight's answer, in seconds"));

    private final String prefix;

    private String host;
    private boolean websocket;
    private boolean bufferBody;
    private Long maxBufferedBody; // null: 64 KiB, or 1 MiB on an MCP route
    private boolean mcp;
    private String resource;
    private String scopes;
    private String corsOrigins;
    private String corsMethods = "GET,HEAD,POST";
    private String corsHeaders = "Authorization,Content-Type";
    private String corsExposeHeaders = "X-Request-Id";
    private boolean corsCredentials;
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
        return maxBufferedBody != null ? maxBufferedBody : mcp ? 1024 * 1024 : 64 * 1024;
    }

    public void setMaxBufferedBody(long maxBufferedBody) {
        this.maxBufferedBody = maxBufferedBody;
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
