package io.drawbridge.edge;

import io.drawbridge.audit.AuditSink;
import io.drawbridge.config.IdentityHeadersConfig;
import io.drawbridge.config.ServerConfig;
import io.drawbridge.config.TracingConfig;
import io.drawbridge.page.PageSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP listener: one socket, shared by every route that listens on it ({@code gateway:} endpoints
 * register their host and path prefix in its {@link RouteTable}). Owns the per-connection pipeline and the
 * settings every request on it shares.
 */
public final class HttpListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
    static final String SLOW_CLIENTS = "slow-clients";
    static final String DECODER = "http-decoder";
    static final String ENCODER = "http-encoder";
    static final String GATEWAY_HANDLER = "gateway";
    private static final long TLS_HELLO_TIMEOUT_MS = 10_000;

    private final ServerConfig config;
    private final EventLoops loops;
    private final RouteTable routes = new RouteTable();
    private final RequestIds requestIds = new RequestIds();
    private final TrustedProxies trustedProxies;
    private final IdentityHeaderFilter identityHeaders;
    private final AuditSink audit;
    private RequestTracing tracing = RequestTracing.from(TracingConfig.defaults());
    private final TlsCertificates tls;
    private final String hsts;
    private Channel serverChannel;
    /** Open client connections, so that a drain can reach the idle ones. */
    private final ChannelGroup connections =
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;
    private volatile boolean refuseWhenAuditBehind;
    private volatile boolean auditMcpArguments;
    private volatile PageSettings pages = PageSettings.DEFAULT;
    private HttpsRedirectListener redirect;

    public HttpListener(ServerConfig config, IdentityHeadersConfig identityHeaders, EventLoops loops, AuditSink audit) {
        this.config = config;
        this.loops = loops;
        this.trustedProxies = new TrustedProxies(config.trustedProxies());
        this.identityHeaders = new IdentityHeaderFilter(identityHeaders);
        this.audit = audit;
        this.tls = config.tls() == null ? null : new TlsCertificates(config.tls());
        this.hsts = config.tls() == null || config.tls().hsts().isZero() ? null
                : "max-age=" + config.tls().hsts().toSeconds();
    }

    /** While the audit sink is behind: refuse new requests with 503 ({@code true}) or hold them back. */
    /** Whether the audit records of MCP routes hold the calls' arguments ({@code audit.mcpArguments}). */
    public void auditMcpArguments(boolean on) {
        this.auditMcpArguments = on;
    }

    boolean auditsMcpArguments() {
        return auditMcpArguments;
    }

    public void refuseWhenAuditBehind(boolean refuse) {
        this.refuseWhenAuditBehind = refuse;
    }

    boolean refusesWhenAuditBehind() {
        return refuseWhenAuditBehind;
    }

    /** Spans and trace ids for requests; set before {@link #start()}. */
    /** What refusal pages show beyond the request: the sign-out path, the portal, route owners. */
    public void pages(PageSettings pages) {
        this.pages = pages;
    }

    PageSettings pages() {
        return pages;
    }

    public void tracing(RequestTracing tracing) {
        this.tracing = tracing;
    }

    RequestTracing tracing() {
        return tracing;
    }

    /**
     * The HTTP handlers of one client connection, after TLS: slow-client deadlines, the strict decoder, the
     * response encoder and the connection handler. Package-private so that tests can run the data plane on an
     * {@code EmbeddedChannel}.
     */
    void addConnectionHandlers(ChannelPipeline pipeline, HttpDecoderConfig decoder) {
        var guard = new SlowClientGuard(config.timeouts());
        var requests = new StrictRequestDecoder(decoder);
        var connection = new ClientConnectionHandler(HttpListener.this, guard);
        guard.attach(connection, requests);
        pipeline.addLast(SLOW_CLIENTS, guard)
                .addLast(DECODER, requests)
                .addLast(ENCODER, new HttpResponseEncoder())
                .addLast(GATEWAY_HANDLER, connection);
    }

    /** Binds the socket; routes may register before or after. */
    public synchronized void start() {
        if (serverChannel != null) {
            return;
        }
        var decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(config.limits().maxInitialLine().asInt())
                .setMaxHeaderSize(config.limits().maxHeaderSize().asInt())
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true);
        var bootstrap = new ServerBootstrap()
                .group(loops.acceptor(), loops.workers())
                .channel(loops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            // one certificate for every name; the handler reports the name the client asked for
                            ch.pipeline().addLast("tls", new SniHandler(
                                    (Mapping<String, SslContext>) serverName -> tls.current(), TLS_HELLO_TIMEOUT_MS));
                        }
                        connections.add(ch);
                        addConnectionHandlers(ch.pipeline(), decoder);
                    }
                });
        serverChannel = bootstrap.bind(config.host(), config.port()).syncUninterruptibly().channel();
        LOG.info("Listening on {}://{}:{} ({} transport)", scheme(), config.host(), port(),
                loops.nativeTransport() ? "epoll" : "nio");
        if (tls != null && config.tls().redirectPort() != null) {
            redirect = new HttpsRedirectListener(loops, config.host(), config.tls().redirectPort(), this::port);
        }
    }

    /** The plain-HTTP port that redirects to https, or -1 when there is none. */
    public int redirectPort() {
        return redirect == null ? -1 : redirect.port();
    }

    /** The {@code Strict-Transport-Security} value for every response, or null without TLS. */
    String hsts() {
        return hsts;
    }

    public int port() {
        return serverChannel == null ? config.port() : ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public String host() {
        return config.host();
    }

    public RouteTable routes() {
        return routes;
    }

    RequestIds requestIds() {
        return requestIds;
    }

    TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    IdentityHeaderFilter identityHeaders() {
        return identityHeaders;
    }

    long maxRequestBody() {
        return config.limits().maxRequestBody().bytes();
    }

    String scheme() {
        return tls == null ? "http" : "https";
    }

    AuditSink audit() {
        return audit;
    }

    /** Waits (up to {@code timeout}) until every client connection has closed after its last response. */
    public void awaitDrained(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!connections.isEmpty()) {
            // Still open: a response held for an audit record that will not be written, or a slow client. Closing
            // them ends their requests, which the routes' stop would otherwise wait for.
            LOG.warn("closing {} connection(s) still open after the drain", connections.size());
            connections.close().awaitUninterruptibly(2000);
        }
    }

    /** Whether the listener is shutting down: responses then close their connections. */
    boolean draining() {
        return draining;
    }

    /**
     * Stops accepting and drains: every response from now on closes its connection, and connections with no request
     * under way close at once, so kept-alive clients move to another replica instead of meeting stopped routes.
     */
    @Override
    public synchronized void close() {
        draining = true;
        if (redirect != null) {
            redirect.close();
            redirect = null;
        }
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
        }
        for (Channel ch : connections) {
            ch.eventLoop().execute(() -> {
                if (ch.pipeline().get(GATEWAY_HANDLER) instanceof ClientConnectionHandler handler) {
                    handler.closeIfIdle();
                }
            });
        }
    }
}
