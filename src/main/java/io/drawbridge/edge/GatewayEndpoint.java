package io.drawbridge.edge;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code gateway:<path-prefix>[?host=...&websocket=true]}: where a route listens. Consumer only.
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
        return maxBufferedBody;
    }

    public void setMaxBufferedBody(long maxBufferedBody) {
        this.maxBufferedBody = maxBufferedBody;
    }
}
