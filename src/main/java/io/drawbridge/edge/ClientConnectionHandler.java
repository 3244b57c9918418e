package io.drawbridge.edge;

import io.drawbridge.Reason;
import io.drawbridge.audit.AuditRecord;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: takes requests one at a time (pipelined ones wait their turn, so one request's identity
 * can never leak into the next), establishes the facts the gateway vouches for, and hands each request to the
 * route that listens on its host and path.
 *
 * <p>Over TLS, a request must name the host its connection was opened for: when the client sent a server name
 * (SNI), a {@code Host} or absolute-form target naming another host is refused with 421 Misdirected Request, and
 * the connection closes. Letter case, a trailing dot and the port do not count; a connection without SNI (a
 * client that dialled an address) is routed by {@code Host} alone. A peer in {@code server.trustedProxies} chose
 * the server name itself, not its client, and is not held to it.
 */
final class ClientConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnectionHandler.class);
    private static final int MAX_BACKLOG = 256;
    private static final int PAUSE_BACKLOG = 16;
    private static final long SWAP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    // Reading stays on between requests: turning it off and on costs an epoll_ctl system call each time, which
    // showed in the profile. Requests that pipeline wait in the backlog, bodies in their request (both bounded).

    private final HttpListener listener;
    private final SlowClientGuard guard;
    private ChannelHandlerContext ctx;
    private ClientRequest current;   // being answered
    private ClientRequest inbound;   // still receiving its body
    private final ArrayDeque<HttpObject> backlog = new ArrayDeque<>();
    private Runnable onWritable;
    /** The TLS server name (SNI) the client opened the connection for, normalized; null without TLS or SNI. */
    private String serverName;
    /** The peer's address, text and trust, worked out at the connection's first request (they cannot change). */
    private String peerIp;
    private boolean trustedPeer;

    HttpListener listener() {
        return listener;
    }

    ClientConnectionHandler(HttpListener listener, SlowClientGuard guard) {
        this.listener = listener;
        this.guard = guard;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            guard.headReceived();
        }
        if (msg instanceof LastHttpContent) { // a failed head is also its own end
            guard.bodyReceived();
        }
        // Keep arrival order: while anything waits, new messages wait behind it; a new request waits for the
        // current one to be answered.
        if (!backlog.isEmpty() || (msg instanceof HttpRequest && current != null)) {
            if (msg instanceof HttpObject http) {
                enqueue(http);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest request) {
            start(request);
        } else if (msg instanceof HttpContent content) {
            if (inbound != null) {
                ClientRequest receiving = inbound;
                if (content.decoderResult().isFailure()) { // a broken chunk: the body's end is unknown
                    ReferenceCountUtil.release(content);
                    inbound = null;
                    refuseBody(receiving, new BadRequest(Reason.BAD_REQUEST, "malformed chunked body"));
                    return;
                }
                if (content instanceof LastHttpContent) {
                    inbound = null;
                }
                receiving.onContent(content);
            } else {
                ReferenceCountUtil.release(content);
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Hands waiting messages on: the next request once none is being answered, and its body pieces. */
    private void drainBacklog() {
        while (!backlog.isEmpty()) {
            if (backlog.peek() instanceof HttpRequest && current != null) {
                return;
            }
            dispatch(backlog.poll());
        }
    }

    private void enqueue(HttpObject msg) {
        if (backlog.size() >= MAX_BACKLOG) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        backlog.add(msg);
        if (backlog.size() >= PAUSE_BACKLOG) {
            ctx.channel().config().setAutoRead(false); // a deep pipeline waits in the socket, not in memory
        }
    }

    private void start(HttpRequest head) {
        String requestId = listener.requestIds().next();
        DecoderResult result = head.decoderResult();
        if (!result.isSuccess()) {
            Reason reason = result.cause() instanceof TooLongHttpLineException ? Reason.URI_TOO_LONG
                    : result.cause() instanceof TooLongHttpHeaderException ? Reason.HEADERS_TOO_LARGE
                    : result.cause() instanceof TooLongFrameException ? Reason.BODY_TOO_LARGE : Reason.BAD_REQUEST;
            String why = result.cause() instanceof IllegalArgumentException && result.cause().getMessage() != null
                    ? ": " + clip(result.cause().getMessage()) : "";
            rejectBeforeRoute(head, requestId, new BadRequest(reason, "malformed request" + why));
            return;
        }
        ClientRequest request;
        try {
            request = establish(head, requestId);
        } catch (BadRequest e) {
            rejectBeforeRoute(head, requestId, e);
            return;
        }
        current = request;
        inbound = request;
        admit(request, head);
    }

    /**
     * Nothing reaches a route while the audit sink is behind: the request waits until it catches up
     * (back-pressure, the default) or is refused with 503 ({@code audit.whenBehind: refuse}).
     */
    private void admit(ClientRequest request, HttpRequest head) {
        if (current != request || !ctx.channel().isActive()) {
            return;
        }
        if (listener.audit() != null && listener.audit().behind()) {
            if (listener.refusesWhenAuditBehind()) {
                ResponseWriter.error(request, new BadRequest(Reason.AUDIT_BEHIND,
                        "the audit sink is behind or failing"), null);
            } else {
                ctx.executor().schedule(() -> admit(request, head), 5, TimeUnit.MILLISECONDS);
            }
            return;
        }
        route(request, head, System.nanoTime() + SWAP_WAIT_NANOS);
    }

    /** Routes a request; one whose route is being replaced waits (briefly) for the replacement. */
    private void route(ClientRequest request, HttpRequest head, long deadline) {
        if (current != request || !ctx.channel().isActive()) {
            return;
        }
        RouteTable.Match match = listener.routes().match(request.host(), request.target().path());
        if (listener.routes().awaitingReplacement(request.host(), request.target().path(), match)
                && System.nanoTime() < deadline) {
            ctx.executor().schedule(() -> route(request, head, deadline), 5, TimeUnit.MILLISECONDS);
            return;
        }
        if (match == null) {
            ResponseWriter.error(request, new BadRequest(Reason.NO_ROUTE, "no route for this host and path"),
                    null);
            return;
        }
        request.route(match.consumer(), match.prefix());
        Upgrades.Verdict upgrade = Upgrades.judge(head, match.consumer());
        if (upgrade != null) {
            request.upgradeProtocol(upgrade.protocol());
            request.upgradeDropped(upgrade.dropped());
        }
        if (!match.consumer().accept(request)) {
            if (System.nanoTime() < deadline && listener.routes().swapping()) {
                ctx.executor().schedule(() -> route(request, head, deadline), 5,
                        TimeUnit.MILLISECONDS);
            } else {
                GatewayConsumer.refuse(request);
            }
        }
    }

    /** Turns the raw head into a request with the facts the gateway vouches for, or rejects it. */
    private ClientRequest establish(HttpRequest head, String requestId) {
        HttpHeaders headers = head.headers();
        HttpMethod method = head.method();
        if (method.equals(HttpMethod.TRACE) || method.equals(HttpMethod.CONNECT)) {
            throw new BadRequest(Reason.METHOD_REJECTED, method + " is not served");
        }
        if (head.protocolVersion().majorVersion() != 1) { // HTTP/2 and later never arrive as an HTTP/1 request line
            throw new BadRequest(Reason.HTTP_VERSION_NOT_SUPPORTED, "HTTP version not supported");
        }
        RequestTarget target = RequestTarget.parse(head.uri());
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            throw new BadRequest(Reason.BAD_REQUEST, "more than one Host header");
        }
        String hostHeader = target.authority() != null ? target.authority() : hosts.isEmpty() ? null : hosts.get(0);
        if (hostHeader != null && !RequestTarget.isHostAndPort(hostHeader.trim())) {
            // one name, optionally a port: anything else could route here and mean another host upstream
            throw new BadRequest(Reason.BAD_REQUEST, "Host is not a host name with an optional port");
        }
        if (hostHeader == null && head.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            throw new BadRequest(Reason.BAD_REQUEST, "HTTP/1.1 request without Host");
        }
        String host = hostHeader == null ? "" : hostName(hostHeader);
        if (peerIp == null) {
            InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
            peerIp = peer.getAddress().getHostAddress();
            trustedPeer = listener.trustedProxies().isTrusted(peer.getAddress());
        }
        if (serverName != null && !trustedPeer && !serverName.equals(host)) {
            // The connection was opened for another host: a front that filters by SNI must not be walked around
            // by naming a different host inside the encrypted request (domain fronting). RFC 9110 §15.5.20.
            throw new BadRequest(Reason.MISDIRECTED_REQUEST, "TLS server name and Host differ");
        }
        BodyFraming framing = framing(headers);
        long maxBody = listener.maxRequestBody();
        if (framing == BodyFraming.CONTENT_LENGTH && HttpUtil.getContentLength(head, 0L) > maxBody) {
            throw new BadRequest(Reason.BODY_TOO_LARGE, "request body larger than the limit");
        }
        String clientIp = peerIp;
        String forwardedFor = peerIp;
        String scheme = listener.scheme();
        if (trustedPeer) {
            String chain = String.join(",", headers.getAll("X-Forwarded-For"));
            if (!chain.isBlank()) {
                clientIp = ForwardedFor.clientFrom(chain, peerIp, listener.trustedProxies());
                forwardedFor = chain + ", " + peerIp;
            }
            String proto = headers.get("X-Forwarded-Proto");
            if ("https".equalsIgnoreCase(proto) || "http".equalsIgnoreCase(proto)) {
                scheme = proto.toLowerCase(Locale.ROOT);
            }
            String forwardedHost = headers.get("X-Forwarded-Host");
            if (forwardedHost != null && RequestTarget.isHostAndPort(forwardedHost.trim())) {
                hostHeader = forwardedHost.trim();
                host = hostName(hostHeader);
            }
        }
        var request = new ClientRequest(this, ctx.channel(), head, target, requestId, host, hostHeader, clientIp,
                forwardedFor, scheme, framing, maxBody);
        request.span(listener.tracing().start(head, requestId));
        return request;
    }

    private static BodyFraming framing(HttpHeaders headers) {
        List<String> te = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        List<String> cl = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (!te.isEmpty()) {
            // Only a lone, exact "chunked" is unambiguous; anything else invites request smuggling.
            if (te.size() != 1 || !"chunked".equalsIgnoreCase(te.get(0).trim()) || !cl.isEmpty()) {
                throw new BadRequest(Reason.BAD_REQUEST, "ambiguous Transfer-Encoding");
            }
            return BodyFraming.CHUNKED;
        }
        if (cl.isEmpty()) {
            return BodyFraming.NONE;
        }
        if (cl.size() != 1) {
            throw new BadRequest(Reason.BAD_REQUEST, "more than one Content-Length");
        }
        try {
            long length = Long.parseLong(cl.get(0).trim());
            if (length < 0) {
                throw new NumberFormatException();
            }
            return length == 0 ? BodyFraming.NONE : BodyFraming.CONTENT_LENGTH;
        } catch (NumberFormatException e) {
            throw new BadRequest(Reason.BAD_REQUEST, "invalid Content-Length");
        }
    }

    static String hostName(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.indexOf(':');
        h = colon >= 0 ? h.substring(0, colon) : h;
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** Answers a request that never reached a route (unparseable, or no route), then closes the connection. */
    /** A decoder's message may quote the client's bytes: kept short (the audit escapes it). */
    private static String clip(String message) {
        return message.length() <= 120 ? message : message.substring(0, 120) + "...";
    }

    private void rejectBeforeRoute(HttpRequest head, String requestId, BadRequest failure) {
        ClientRequest request = ClientRequest.unrouted(this, ctx.channel(), head, requestId, listener.scheme(),
                (InetSocketAddress) ctx.channel().remoteAddress());
        current = request;
        request.discardBody();
        ResponseWriter.error(request, failure, null);
    }

    /** The client sent more body than allowed: answer 413 if nothing was answered yet, and close either way. */
    void bodyTooLarge(ClientRequest request) {
        refuseBody(request, new BadRequest(Reason.BODY_TOO_LARGE, "request body larger than the limit"));
    }

    /**
     * Gives up on a request whose body cannot be read to its end. The client's answer comes first (and is what
     * the audit records); then whatever streams the body upstream is stopped, and finds the request answered.
     * The connection closes either way: the rest of the body cannot be told from a next request.
     */
    private void refuseBody(ClientRequest request, BadRequest failure) {
        request.discardBody();
        if (request.status() == 0) {
            ResponseWriter.error(request, failure, null);
            request.abortStreaming();
        } else {
            request.abortStreaming();
            ctx.close();
        }
    }

    /** Called once the response to {@code request} is fully written (or abandoned). */
    /** Closes the connection if no request is under way or waiting (the listener is draining). */
    void closeIfIdle() {
        if (ctx != null && current == null && inbound == null && backlog.isEmpty()) {
            ctx.close();
        }
    }

    void finished(ClientRequest request, boolean keepAlive) {
        if (current != request) {
            return;
        }
        current = null;
        onWritable = null;
        request.release();
        if (!keepAlive || !request.bodyComplete() || !ctx.channel().isActive() || listener.draining()) {
            inbound = null;
            ctx.close();
            return;
        }
        inbound = null;
        drainBacklog();
        if (current == null && backlog.isEmpty()) {
            ctx.channel().config().setAutoRead(true);
        }
        if (current == null) {
            guard.responded();
        }
    }

    /**
     * The client took longer than allowed to send a head, or paused its body too long: 408 if nothing was
     * answered yet, and the connection closes either way.
     */
    void clientTooSlow(boolean head) {
        var timeout = new BadRequest(Reason.CLIENT_TIMEOUT, head ? "request head not received in time"
                : "request body paused too long");
        if (head && current == null) {
            var incomplete = new DefaultHttpRequest(HttpVersion.HTTP_1_1,
                    HttpMethod.valueOf("-"), "");
            rejectBeforeRoute(incomplete, listener.requestIds().next(), timeout);
            return;
        }
        ClientRequest request = inbound;
        if (request != null && request == current) {
            refuseBody(request, timeout);
        } else {
            ctx.close();
        }
    }

    /** Runs {@code action} once the client connection can take more bytes (back-pressure on responses). */
    public void whenWritable(Runnable action) {
        this.onWritable = action;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && onWritable != null) {
            onWritable.run();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Remembers the server name of the TLS handshake. Compared like host names: letter case and a trailing dot
     * do not count.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SniCompletionEvent sni && sni.isSuccess() && sni.hostname() != null) {
            String name = sni.hostname().toLowerCase(Locale.ROOT);
            serverName = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ClientRequest request = current;
        current = null;
        while (!backlog.isEmpty()) {
            ReferenceCountUtil.release(backlog.poll());
        }
        if (request != null) {
            request.clientGone();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            LOG.debug("client connection failed: {}", cause.toString());
        }
        ctx.close();
    }

    /**
     * Writes the request's audit record, once. With {@code then}, runs it on this connection's event loop once the
     * sink has the record: what must not reach the client before its record is written waits for that.
     */
    void audit(ClientRequest request, Runnable then) {
        if (!request.markAudited()) {
            if (then != null) {
                then.run();
            }
            return;
        }
        var record = AuditRecord.of(RequestOutcomes.of(request));
        RequestTracing.end(request.span(), request, record.route());
        // On the loop, the file sink commits the iteration's records together and runs then right after.
        listener.audit().accept(record, ctx.channel().eventLoop(), then);
    }

    /** A further record of a request already audited: the end of its upgraded connection. */
    void auditEnd(ClientRequest request) {
        listener.audit().accept(AuditRecord.of(RequestOutcomes.of(request)));
    }

    ClientRequest current() {
        return current;
    }
}
