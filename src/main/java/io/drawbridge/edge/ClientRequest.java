package io.drawbridge.edge;

import io.drawbridge.Outcome;
import io.drawbridge.Reason;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.opentelemetry.api.trace.Span;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * One client request as the edge received it, and the gateway's handle on its connection: the normalized target,
 * the facts the gateway established (client address, scheme, host), the body as it arrives, and the response's
 * progress. Every method runs on the connection's event loop.
 */
public final class ClientRequest {

    private final ClientConnectionHandler connection;
    private final Channel channel;
    private final HttpRequest head;
    private final RequestTarget target;
    private final String requestId;
    private final long startNanos = System.nanoTime();
    private final Instant startTime = Instant.now();
    private final String host;
    private final String hostHeader;
    private final String clientIp;
    private final String forwardedFor;
    private final String scheme;
    private final BodyFraming framing;
    private final long maxBody;

    private GatewayConsumer consumer;
    private CorsPolicy cors;
    private String matchedPrefix = "/";
    /** The request a front asked about, when this one is a decision request ({@link DecideStep}). */
    private String decidedMethod;
    private RequestTarget decidedTarget;
    private String decidedRoute;
    private String upgradeProtocol;
    private String upgradeDropped;
    private StreamPermit.Ended streamEnded;
    private Runnable onFinish;

    /** Body bytes held while the route has not asked for the body yet; beyond this the client is paused. */
    private static final long MAX_PENDING_BODY = 256 * 1024;

    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>(2);
    private long pendingBytes;
    private boolean bodyComplete;
    private boolean bodyDiscarded;
    private BodySink sink;
    private long bytesIn;

    private int status;
    private long bytesOut;
    private boolean finished;
    private boolean audited;
    private Outcome outcome = Outcome.ERROR;
    private Reason outcomeReason = Reason.INTERNAL_ERROR;
    private String outcomeDetail;

    private Exchange exchange;
    private Span span;
    private Set<Object> requestHeaderValues = Set.of();
    private Runnable abortHook;

    ClientRequest(ClientConnectionHandler connection, Channel channel, HttpRequest head, RequestTarget target,
                  String requestId, String host, String hostHeader, String clientIp, String forwardedFor,
                  String scheme, BodyFraming framing, long maxBody) {
        this.connection = connection;
        this.channel = channel;
        this.head = head;
        this.target = target;
        this.requestId = requestId;
        this.host = host;
        this.hostHeader = hostHeader;
        this.clientIp = clientIp;
        this.forwardedFor = forwardedFor;
        this.scheme = scheme;
        this.framing = framing;
        this.maxBody = maxBody;
        this.bodyComplete = framing == BodyFraming.NONE;
    }

    /** A request that failed before it could be routed (unparseable target, bad framing): answered, then closed. */
    static ClientRequest unrouted(ClientConnectionHandler connection, Channel channel, HttpRequest head,
                                  String requestId, String scheme, InetSocketAddress peer) {
        String uri = head.uri() == null ? "" : head.uri();
        int q = uri.indexOf('?');
        String path = q >= 0 ? uri.substring(0, q) : uri;
        if (path.length() > 512) {
            path = path.substring(0, 512);
        }
        String ip = peer == null ? "" : peer.getAddress().getHostAddress();
        String host = head.headers().get(HttpHeaderNames.HOST, "");
        if (host.length() > 256) {
            host = host.substring(0, 256);
        }
        var request = new ClientRequest(connection, channel, head, new RequestTarget(path, null, null), requestId,
                host, host, ip, ip, scheme, BodyFraming.NONE, 0);
        request.bodyDiscarded = true;
        return request;
    }

    ClientConnectionHandler connection() {
        return connection;
    }

    /** The request's trace span (see {@link RequestTracing}). */
    public Span span() {
        return span;
    }

    void span(Span span) {
        this.span = span;
    }

    /** The exchange running this request through its route, once there is one. */
    public Exchange exchange() {
        return exchange;
    }

    void exchange(Exchange exchange) {
        this.exchange = exchange;
    }

    void requestHeaderValues(List<Object> values) {
        var set = Collections.newSetFromMap(new IdentityHashMap<Object, Boolean>(values.size() * 2));
        set.addAll(values);
        this.requestHeaderValues = set;
    }

    /** Whether {@code value} is the very object the edge copied from the request (identity, not equality). */
    boolean isRequestHeaderValue(Object value) {
        return requestHeaderValues.contains(value);
    }

    /** Runs {@code action} when the client connection can take more bytes again (response back-pressure). */
    public void whenWritable(Runnable action) {
        connection.whenWritable(action);
    }

    /**
     * After a {@code 101 Switching Protocols} was written: the connection stops speaking HTTP and every byte the
     * client sends goes to {@code relay} (bytes already read included).
     */
    public void switchToTunnel(ChannelHandler relay) {
        var pipeline = channel.pipeline();
        pipeline.addBefore(HttpListener.GATEWAY_HANDLER, "tunnel", relay);
        pipeline.remove(HttpListener.ENCODER);
        pipeline.remove(HttpListener.DECODER);
        pipeline.remove(HttpListener.SLOW_CLIENTS); // a tunnel's pauses are the application's business
        channel.config().setAutoRead(true);
    }

    /** Registers what to do if the client goes away or the request is cut short (e.g. drop the upstream call). */
    public void onAbort(Runnable hook) {
        this.abortHook = hook;
    }

    /** The client disconnected: stop any work for it and record the request as aborted. */
    void clientGone() {
        if (finished) {
            return;
        }
        abortStreaming(); // a tunnel ends normally this way, and finishes the request itself
        if (finished) {
            return;
        }
        outcome(Outcome.ERROR, Reason.CLIENT_ABORTED,
                "client closed the connection");
        if (status == 0) {
            status = 499; // nginx's convention for "client closed request"
        }
        ResponseWriter.finish(this, false);
    }

    /** Cuts short whatever is streaming for this request. */
    void abortStreaming() {
        Runnable hook = abortHook;
        abortHook = null;
        if (hook != null) {
            hook.run();
        }
    }

    void outcome(Outcome outcome, Reason reason, String detail) {
        this.outcome = outcome;
        this.outcomeReason = reason;
        this.outcomeDetail = detail;
    }

    Outcome outcome() {
        return outcome;
    }

    Reason outcomeReason() {
        return outcomeReason;
    }

    String outcomeDetail() {
        return outcomeDetail;
    }

    public Channel channel() {
        return channel;
    }

    public HttpRequest head() {
        return head;
    }

    /** The method; for a front's decision request, the method of the request it asks about. */
    public String method() {
        return decidedMethod != null ? decidedMethod : head.method().name();
    }

    public HttpVersion protocolVersion() {
        return head.protocolVersion();
    }

    /** The normalized target; for a front's decision request, the target of the request it asks about. */
    public RequestTarget target() {
        return decidedTarget != null ? decidedTarget : target;
    }

    /**
     * From now on this request stands for the one a front asked about: its method, target and route are what the
     * steps and the audit record see. The connection's own facts (peer, route that listens) stay.
     */
    void decideFor(String method, RequestTarget target, String routeId) {
        this.decidedMethod = method;
        this.decidedTarget = target;
        this.decidedRoute = routeId;
    }

    /** The route the audit record names: the route that took the request, or the one a front asked about. */
    String routeId() {
        return decidedRoute != null ? decidedRoute : consumer == null ? null : consumer.getRouteId();
    }

    public String requestId() {
        return requestId;
    }

    public long startNanos() {
        return startNanos;
    }

    public Instant startTime() {
        return startTime;
    }

    /** The host the client addressed, lower case, without port; empty when an HTTP/1.0 client sent none. */
    public String host() {
        return host;
    }

    /** The {@code Host} header as sent (with port), for {@code X-Forwarded-Host}. */
    public String hostHeader() {
        return hostHeader;
    }

    public String clientIp() {
        return clientIp;
    }

    /** The {@code X-Forwarded-For} value to send upstream: a trusted chain plus the peer, or just the client. */
    public String forwardedFor() {
        return forwardedFor;
    }

    public String scheme() {
        return scheme;
    }

    public BodyFraming framing() {
        return framing;
    }

    public long contentLength() {
        return framing == BodyFraming.CONTENT_LENGTH
                ? Long.parseLong(head.headers().get(HttpHeaderNames.CONTENT_LENGTH)) : 0;
    }

    public GatewayConsumer consumer() {
        return consumer;
    }

    /** The route prefix this request matched, without trailing slash ({@code /} for the root). */
    public String matchedPrefix() {
        return matchedPrefix;
    }

    void route(GatewayConsumer consumer, String prefix) {
        this.consumer = consumer;
        this.matchedPrefix = prefix;
    }

    /** The route's cross-origin rules; every response to this request gains what they allow its origin. */
    void cors(CorsPolicy policy) {
        this.cors = policy;
    }

    /** Adds the CORS response headers of the route's rules, if it has any, for this request's Origin. */
    void addCorsHeaders(HttpHeaders response) {
        if (cors != null) {
            cors.addResponseHeaders(head.headers().get(HttpHeaderNames.ORIGIN), response);
        }
    }

    /** {@code websocket} when the client asked to upgrade and the route allows it, else {@code null}. */
    public String upgradeProtocol() {
        return upgradeProtocol;
    }

    void upgradeProtocol(String protocol) {
        this.upgradeProtocol = protocol;
    }

    /** Why an upgrade the client asked for was dropped, for the audit record; {@code null} when none was. */
    String upgradeDropped() {
        return upgradeDropped;
    }

    void upgradeDropped(String why) {
        this.upgradeDropped = why;
    }

    public boolean expectsContinue() {
        return HttpUtil.is100ContinueExpected(head);
    }

    // ---- request body -------------------------------------------------------------------------------------

    /** Called by the connection for each piece of this request's body. */
    void onContent(HttpContent content) {
        if (bodyDiscarded || (bodyComplete && framing == BodyFraming.NONE)) {
            ReferenceCountUtil.release(content);
            if (content instanceof LastHttpContent) {
                bodyComplete = true;
            }
            return;
        }
        bytesIn += content.content().readableBytes();
        if (bytesIn > maxBody) {
            ReferenceCountUtil.release(content);
            connection.bodyTooLarge(this);
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (last) {
            bodyComplete = true;
        }
        if (sink == null) {
            pending.add(content);
            pendingBytes += content.content().readableBytes();
            if (pendingBytes > MAX_PENDING_BODY && !bodyComplete) {
                channel.config().setAutoRead(false); // until the route decides what to do with the body
            }
        } else if (last) {
            sink.onEnd((LastHttpContent) content);
        } else {
            sink.onChunk(content);
        }
    }

    /**
     * Starts delivering the body to {@code sink}: what already arrived first, then the rest as the client sends
     * it. Sends {@code 100 Continue} first when the client waits for it.
     */
    public void startBody(BodySink sink) {
        this.sink = sink;
        if (!bodyComplete && expectsContinue()) {
            channel.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        if (framing == BodyFraming.NONE) {
            sink.onEnd(LastHttpContent.EMPTY_LAST_CONTENT);
            return;
        }
        HttpContent content;
        while ((content = pending.poll()) != null) {
            if (content instanceof LastHttpContent last) {
                sink.onEnd(last);
            } else {
                sink.onChunk(content);
            }
        }
        if (!bodyComplete) {
            channel.config().setAutoRead(true);
        }
    }

    /** Back-pressure: stop reading the client's body while the upstream cannot take more. */
    public void pauseBody() {
        if (!bodyComplete) {
            channel.config().setAutoRead(false);
        }
    }

    public void resumeBody() {
        if (!bodyComplete && sink != null && channel.isActive()) {
            channel.config().setAutoRead(true);
        }
    }

    /** The body will not be read (the request is answered without it); the connection closes if any is left. */
    public void discardBody() {
        bodyDiscarded = true;
        HttpContent content;
        while ((content = pending.poll()) != null) {
            ReferenceCountUtil.release(content);
        }
    }

    /** Collects an already complete small body, for routes that answer themselves; {@code null} if incomplete. */
    byte[] takeBufferedBody() {
        if (!bodyComplete) {
            return null;
        }
        var out = new ByteArrayOutputStream();
        HttpContent content;
        while ((content = pending.poll()) != null) {
            var buf = content.content();
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            out.writeBytes(bytes);
            content.release();
        }
        return out.toByteArray();
    }

    /** Reads the whole body into memory, up to {@code limit} bytes, then runs {@code then} on the event loop. */
    void bufferBody(long limit, Runnable then, Runnable tooLarge) {
        if (bodyComplete) {
            then.run();
            return;
        }
        long[] size = {0};
        for (HttpContent c : pending) {
            size[0] += c.content().readableBytes();
        }
        this.sink = new BodySink() {
            @Override
            public void onChunk(HttpContent chunk) {
                size[0] += chunk.content().readableBytes();
                pending.add(chunk);
                if (size[0] > limit) {
                    sink = null;
                    tooLarge.run();
                }
            }

            @Override
            public void onEnd(LastHttpContent last) {
                size[0] += last.content().readableBytes();
                pending.add(last);
                sink = null;
                if (size[0] > limit) {
                    tooLarge.run();
                } else {
                    then.run();
                }
            }
        };
        if (size[0] > limit) {
            this.sink = null;
            tooLarge.run();
            return;
        }
        channel.config().setAutoRead(true);
    }

    public boolean bodyComplete() {
        return bodyComplete;
    }

    public long bytesIn() {
        return bytesIn;
    }

    // ---- response -----------------------------------------------------------------------------------------

    public int status() {
        return status;
    }

    void status(int status) {
        this.status = status;
    }

    public long bytesOut() {
        return bytesOut;
    }

    /** Counts bytes the client sent through a tunnel after an upgrade. */
    public void countIn(long bytes) {
        bytesIn += bytes;
    }

    /** Counts response body bytes as they are written. */
    public void countOut(long bytes) {
        bytesOut += bytes;
    }

    boolean markAudited() {
        if (audited) {
            return false;
        }
        audited = true;
        return true;
    }

    /**
     * Writes the last part of a streamed response once this request's audit record is written (a client never
     * has a whole response whose record a crash could lose), then runs {@code then}.
     */
    public void writeLastAfterAudit(Object last, Runnable then) {
        connection.audit(this, () -> {
            channel.writeAndFlush(last);
            then.run();
        });
    }

    boolean markFinished() {
        if (finished) {
            return false;
        }
        finished = true;
        if (onFinish != null) {
            onFinish.run();
        }
        return true;
    }

    /** Runs once the request finishes (a stream's watch stops). */
    void onFinish(Runnable action) {
        this.onFinish = action;
    }

    /** Cuts a streaming response because what authenticated it ended; the audit record gives {@code why}. */
    void endStream(StreamPermit.Ended why) {
        if (finished) {
            return;
        }
        this.streamEnded = why;
        abortStreaming();
    }

    /** Why the gateway cut this request's stream, or {@code null} when it did not. */
    StreamPermit.Ended streamEnded() {
        return streamEnded;
    }

    public boolean finished() {
        return finished;
    }

    /** Releases anything still held (body pieces that were never consumed). */
    void release() {
        HttpContent content;
        while ((content = pending.poll()) != null) {
            ReferenceCountUtil.release(content);
        }
    }
}
