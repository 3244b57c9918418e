package io.drawbridge.proxy;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.edge.BodyFraming;
import io.drawbridge.edge.BodySink;
import io.drawbridge.edge.ClientRequest;
import io.drawbridge.edge.StreamingResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * One request forwarded to an upstream and its response streamed back, with back-pressure both ways: the client's
 * body is read only as fast as the upstream takes it, the upstream's body only as fast as the client takes it.
 * The route resumes when the response head arrives; the edge then pulls the body through {@link #streamTo}.
 * Everything runs on the client connection's event loop, which also serves the upstream connection.
 */
final class ProxyCall implements BodySink, StreamingResponse {

    private final ClientRequest client;
    private final Exchange exchange;
    private final AsyncCallback callback;
    private final UpstreamTarget target;
    private final ProxyOptions options;
    private final UpstreamClient upstreams;
    private final HttpRequest requestHead;
    private final byte[] fixedBody; // a body the route set itself, else null: the client's body is streamed
    private final EventLoop loop;

    private Channel upstream;
    private boolean reused;
    private int attempts;
    private boolean bodyStarted;
    private boolean bodyStreamed;
    private boolean requestComplete;
    private boolean earlyResponse;
    private ResponseDeadlines.Deadline responseTimer;
    private boolean headReceived;
    private boolean skipInterimLast;
    private boolean routeResumed;
    private boolean responseKeepAlive;
    private boolean responseComplete;
    /** Between an upstream read's first message and its end ({@link #onUpstreamReadComplete}). */
    private boolean inUpstreamRead;
    /** Response bytes held before the edge streams them; beyond this the upstream is paused. */
    private static final long MAX_PENDING_RESPONSE = 256 * 1024;

    private final ArrayDeque<Object> pending = new ArrayDeque<>(4);
    private long pendingBytes;
    private Consumer<Throwable> onComplete;
    private Throwable streamFailure;
    private boolean terminal;
    private String upgrade;
    private boolean tunnel;
    private ResponseCompression compression;
    private CacheFill cacheFill;

    ProxyCall(ClientRequest client, Exchange exchange, AsyncCallback callback, UpstreamTarget target,
              ProxyOptions options, UpstreamClient upstreams, HttpRequest requestHead, byte[] fixedBody) {
        this.client = client;
        this.exchange = exchange;
        this.callback = callback;
        this.target = target;
        this.options = options;
        this.upstreams = upstreams;
        this.requestHead = requestHead;
        this.fixedBody = fixedBody;
        this.loop = client.channel().eventLoop();
    }

    /** Copies the response into the route's cache as it streams, if the cache's rules allow. */
    void fillingCache(CacheFill fill) {
        this.cacheFill = fill;
    }

    void start() {
        client.onAbort(this::clientAborted);
        connect();
    }

    private void connect() {
        attempts++;
        upstreams.acquire(loop, target, options.tls(), options.connectTimeout(), this::connected,
                this::connectFailed);
    }

    private void connected(Channel channel, boolean pooled) {
        if (terminal || routeResumed) {
            if (pooled) {
                upstreams.release(target, options.tls(), channel);
            } else {
                channel.close();
            }
            return;
        }
        this.upstream = channel;
        this.reused = pooled;
        UpstreamHandler.of(channel).bind(this);
        channel.config().setAutoRead(true);
        channel.write(requestHead);
        if (fixedBody != null) {
            channel.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(fixedBody)));
            requestSent();
        } else if (client.framing() == BodyFraming.NONE) {
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            requestSent();
        } else if (!bodyStarted) {
            channel.flush();
            bodyStarted = true;
            client.startBody(this);
        }
    }

    private void connectFailed(Throwable cause) {
        fail(new UpstreamFailure(Reason.UPSTREAM_UNREACHABLE,
                "cannot connect to " + target.origin() + ": " + describe(cause)));
    }

    // ---- request body: client -> upstream ----------------------------------------------------------------

    @Override
    public void onChunk(HttpContent chunk) {
        if (upstream == null || earlyResponse || terminal) {
            chunk.release();
            return;
        }
        bodyStreamed = true;
        upstream.writeAndFlush(chunk);
        if (!upstream.isWritable()) {
            client.pauseBody();
        }
    }

    @Override
    public void onEnd(LastHttpContent last) {
        if (upstream == null || earlyResponse || terminal) {
            last.release();
            return;
        }
        upstream.writeAndFlush(last);
        requestSent();
    }

    private void requestSent() {
        requestComplete = true;
        if (!headReceived) {
            responseTimer = ResponseDeadlines.arm(loop, options.responseTimeout().toNanos(), this::responseTimedOut);
        }
    }

    void onUpstreamWritable() {
        if (tunnel) {
            client.channel().config().setAutoRead(true);
        } else {
            client.resumeBody();
        }
    }

    // ---- response: upstream -> client ---------------------------------------------------------------------

    void onUpstream(HttpObject msg) {
        inUpstreamRead = true;
        if (msg.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            // a head that is not HTTP or has bad header syntax is invalid; one cut short or too long, reset
            boolean invalidHead = msg instanceof HttpResponse
                    && !(msg.decoderResult().cause() instanceof TooLongFrameException)
                    && !(msg.decoderResult().cause() instanceof PrematureChannelClosureException);
            broken(invalidHead
                    ? new UpstreamFailure(Reason.UPSTREAM_INVALID, "malformed response head from " + target.origin())
                    : new UpstreamFailure(Reason.UPSTREAM_RESET, "malformed or truncated response from "
                    + target.origin()));
            return;
        }
        if (msg instanceof HttpResponse response) {
            onHead(response);
            return;
        }
        HttpContent content = (HttpContent) msg;
        if (skipInterimLast && content instanceof LastHttpContent) {
            skipInterimLast = false;
            content.release();
            return;
        }
        if (!headReceived || terminal) {
            content.release();
        } else if (onComplete == null) {
            pending.add(content); // held until the edge is ready for the body
            pendingBytes += content.content().readableBytes();
            if (pendingBytes > MAX_PENDING_RESPONSE && upstream != null) {
                upstream.config().setAutoRead(false);
            }
        } else {
            forward(content);
        }
    }

    private void onHead(HttpResponse response) {
        int code = response.status().code();
        if (code == 100 || (code > 101 && code < 200)) {
            skipInterimLast = true; // interim responses are the gateway's business, not the client's
            return;
        }
        String invalid = UpstreamAnswer.problem(response);
        if (invalid != null) {
            fail(new UpstreamFailure(Reason.UPSTREAM_INVALID, invalid + " from " + target.origin()));
            return;
        }
        cancelTimer();
        headReceived = true;
        responseKeepAlive = HttpUtil.isKeepAlive(response);
        if (code == 101) {
            String protocol = response.headers().get(HttpHeaderNames.UPGRADE);
            if (client.upgradeProtocol() == null || protocol == null
                    || !client.upgradeProtocol().equalsIgnoreCase(protocol.trim())) {
                fail(new UpstreamFailure(Reason.UPSTREAM_RESET, "upstream switched protocols unasked"));
                return;
            }
            upgrade = client.upgradeProtocol();
            skipInterimLast = true;
        }
        if (!requestComplete) {
            earlyResponse = true; // the upstream answered before the body was sent: the rest is not needed
            client.discardBody();
        }
        if (cacheFill != null) {
            cacheFill = upgrade == null ? cacheFill.begin(code, response.headers()) : null; // before any rewrite
        }
        if (options.compress() && upgrade == null) {
            compression = ResponseCompression.start(client.head().method(), client.head().headers(), code,
                    response.headers());
        }
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        List<String> planted = UpstreamAnswer.removeOwnCookies(response.headers(), options.ownCookie());
        if (!planted.isEmpty()) {
            exchange.setProperty(ExchangeKeys.UPSTREAM_COOKIES_REMOVED, planted);
        }
        ResponseHeaders.copy(response.headers(), message.getHeaders());
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, code);
        message.setBody(this);
        resumeRoute();
    }

    void onTunnelBytes(ByteBuf bytes) {
        if (terminal) {
            bytes.release();
        } else if (!tunnel || onComplete == null) {
            pending.add(bytes);
        } else {
            client.countOut(bytes.readableBytes());
            client.channel().write(bytes);
            backPressure();
        }
    }

    @Override
    public boolean arrived() {
        return responseComplete;
    }

    @Override
    public String upgradeProtocol() {
        return upgrade;
    }

    @Override
    public void streamTo(ClientRequest request, Consumer<Throwable> onComplete) {
        this.onComplete = onComplete;
        if (streamFailure != null) {
            complete(streamFailure);
            return;
        }
        if (upgrade != null) {
            openTunnel();
            return;
        }
        Object next;
        while (!terminal && (next = pending.poll()) != null) {
            forward((HttpContent) next);
        }
        if (terminal) {
            return;
        }
        if (responseComplete) {
            // The whole response is here: its head and body wait in the channel's buffer for the audit commit and
            // leave together in one write (ClientRequest.writeLastAfterAudit), not the head alone before.
            return;
        }
        if (!inUpstreamRead) {
            client.channel().flush(); // a streamed body: the head and what has come leave now
        } // else the end of this upstream read flushes, or the audit commit when the body completes in it
        client.whenWritable(() -> {
            if (upstream != null && !responseComplete) {
                upstream.config().setAutoRead(true);
            }
        });
        if (!responseComplete && upstream != null) {
            upstream.config().setAutoRead(true);
        }
    }

    private void forward(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (cacheFill != null) {
            cacheFill = cacheFill.add(content.content(), last); // the upstream's bytes, before compression
        }
        if (compression != null) {
            content = last ? new DefaultLastHttpContent(compression.finish(content.content()),
                    ((LastHttpContent) content).trailingHeaders())
                    : new DefaultHttpContent(compression.encode(content.content()));
        }
        client.countOut(content.content().readableBytes());
        if (last) {
            responseComplete = true;
            releaseUpstream();
            client.writeLastAfterAudit(content, () -> complete(null)); // flushes what is buffered with it
        } else {
            client.channel().write(content);
            backPressure();
        }
    }

    /**
     * Stops reading the upstream while the client cannot take more. The order matters: pause first, then flush,
     * because the flush may drain the buffer and fire the "writable again" event right away.
     */
    private void backPressure() {
        Channel up = upstream;
        if (up != null && !client.channel().isWritable()) {
            up.config().setAutoRead(false);
            client.channel().flush();
            if (client.channel().isWritable()) {
                up.config().setAutoRead(true);
            }
        }
    }

    void onUpstreamReadComplete() {
        inUpstreamRead = false;
        if (onComplete != null && !terminal && !responseComplete) { // once complete, the audit commit flushes
            client.channel().flush();
        }
    }

    /** After a 101: both connections stop speaking HTTP, and bytes flow straight through until either closes. */
    private void openTunnel() {
        tunnel = true;
        Channel up = upstream;
        client.whenWritable(() -> up.config().setAutoRead(true));
        client.switchToTunnel(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf bytes && up.isActive()) {
                    client.countIn(bytes.readableBytes());
                    up.writeAndFlush(bytes);
                    if (!up.isWritable()) {
                        ctx.channel().config().setAutoRead(false);
                    }
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }
        });
        up.pipeline().remove(UpstreamClient.CODEC);
        Object next;
        while ((next = pending.poll()) != null) {
            if (next instanceof ByteBuf bytes) {
                client.countOut(bytes.readableBytes());
                client.channel().write(bytes);
            } else {
                ReferenceCountUtil.release(next);
            }
        }
        client.channel().flush();
        up.config().setAutoRead(true);
    }

    // ---- endings ------------------------------------------------------------------------------------------

    void onUpstreamClosed(Throwable cause) {
        if (terminal) {
            return;
        }
        Channel closed = upstream;
        upstream = null;
        if (closed != null) {
            UpstreamHandler.of(closed).unbind();
        }
        if (tunnel) {
            complete(null);
            return;
        }
        if (!headReceived) {
            cancelTimer();
            if (reused && attempts == 1 && !bodyStreamed && options.retryable(requestHead.method())) {
                connect(); // a pooled connection the upstream had already closed: one fresh try
                return;
            }
            fail(new UpstreamFailure(Reason.UPSTREAM_RESET, target.origin() + " closed the connection before "
                    + "responding" + (cause == null ? "" : ": " + describe(cause))));
            return;
        }
        if (!responseComplete) {
            broken(new UpstreamFailure(Reason.UPSTREAM_RESET, target.origin() + " broke off the response"));
        }
    }

    private void responseTimedOut() {
        if (headReceived || terminal || routeResumed) {
            return;
        }
        closeUpstream();
        fail(new UpstreamFailure(Reason.UPSTREAM_TIMEOUT, target.origin() + " did not answer within "
                + options.responseTimeout().toMillis() + " ms"));
    }

    /** The client went away: drop the upstream side too. */
    private void clientAborted() {
        if (terminal) {
            return;
        }
        closeUpstream();
        if (tunnel) {
            complete(null); // closing a tunnel is how it ends
        } else if (!routeResumed) {
            fail(new UpstreamFailure(Reason.CLIENT_ABORTED, "client went away while the upstream worked"));
        } else {
            broken(new UpstreamFailure(Reason.CLIENT_ABORTED, "client went away during the response"));
        }
    }

    @Override
    public void abort() {
        terminal = true;
        cancelTimer();
        releasePending();
        closeUpstream();
    }

    /** A failure after the response head: the client gets a cut-off response and a closed connection. */
    private void broken(UpstreamFailure failure) {
        closeUpstream();
        if (!routeResumed) {
            fail(failure);
        } else if (onComplete != null) {
            complete(failure);
        } else {
            streamFailure = failure;
        }
    }

    /** A failure before the response head: the route resumes with the exception, the edge answers 502/504. */
    private void fail(UpstreamFailure failure) {
        if (routeResumed) {
            return;
        }
        cancelTimer();
        closeUpstream();
        releasePending();
        exchange.setException(failure);
        resumeRoute();
    }

    private void resumeRoute() {
        if (!routeResumed) {
            routeResumed = true;
            exchange.setProperty(ExchangeKeys.UPSTREAM, target.origin());
            callback.done(false);
        }
    }

    private void complete(Throwable failure) {
        if (terminal) {
            return;
        }
        terminal = true;
        cancelTimer();
        releasePending();
        if (failure != null) {
            closeUpstream();
        }
        onComplete.accept(failure);
    }

    private void releaseUpstream() {
        Channel channel = upstream;
        upstream = null;
        if (channel == null) {
            return;
        }
        if (responseKeepAlive && requestComplete && !earlyResponse && !tunnel) {
            channel.config().setAutoRead(true); // an idle pooled connection must still notice being closed
            upstreams.release(target, options.tls(), channel);
        } else {
            UpstreamHandler.of(channel).unbind();
            channel.close();
        }
    }

    private void closeUpstream() {
        Channel channel = upstream;
        upstream = null;
        if (channel != null) {
            UpstreamHandler handler = UpstreamHandler.of(channel);
            if (handler != null) {
                handler.unbind();
            }
            channel.close();
        }
    }

    private void cancelTimer() {
        if (responseTimer != null) {
            responseTimer.cancel();
            responseTimer = null;
        }
    }

    private void releasePending() {
        Object next;
        while ((next = pending.poll()) != null) {
            ReferenceCountUtil.release(next);
        }
        if (compression != null) {
            compression.abandon(); // a no-op once the stream ended cleanly
        }
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
