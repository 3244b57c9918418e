package io.drawbridge.edge;

import io.drawbridge.config.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Deadlines for clients that send slowly (slowloris): a request head must arrive whole within {@code header} of
 * its first byte, a body may pause no longer than {@code bodyIdle}, and a kept-alive connection with nothing to
 * say closes after {@code keepAlive}. It sits before the decoder, where it sees raw bytes; the connection handler
 * tells it where heads and bodies end and when a response is done. Time the gateway itself makes the client wait
 * (reading paused for back-pressure, an upstream answering) never counts against the client. One timer per
 * connection, moved only when a deadline comes closer: a head that arrives in one read costs no scheduling.
 */
final class SlowClientGuard extends ChannelInboundHandlerAdapter {

    /** What the connection is waiting for. */
    enum Phase { IDLE, HEAD, BODY, BUSY }

    private final long headerNanos;
    private final long bodyIdleNanos;
    private final long keepAliveNanos;
    private ChannelHandlerContext ctx;
    private ClientConnectionHandler connection;
    private StrictRequestDecoder decoder;
    private Phase phase = Phase.IDLE;
    private long phaseStart;
    private long lastRead;
    private ScheduledFuture<?> timer;
    private long timerAt;

    SlowClientGuard(ServerConfig.Timeouts timeouts) {
        this.headerNanos = timeouts.header().toNanos();
        this.bodyIdleNanos = timeouts.bodyIdle().toNanos();
        this.keepAliveNanos = timeouts.keepAlive().toNanos();
    }

    void attach(ClientConnectionHandler connection, StrictRequestDecoder decoder) {
        this.connection = connection;
        this.decoder = decoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        enter(Phase.IDLE);
        ensureTimer();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean bytes = msg instanceof ByteBuf buf && buf.isReadable();
        if (bytes) {
            lastRead = System.nanoTime();
            if (phase == Phase.IDLE) {
                enter(Phase.HEAD); // the first byte of the next request
            } // while BUSY, a pipelined head waits for the gateway, which is not the client's time: see responded()
        }
        ctx.fireChannelRead(msg); // the decoder may finish the head (and body) right here
        if (bytes && phase != Phase.BUSY) {
            ensureTimer();
        }
    }

    /** The decoder produced a request head; its body (possibly empty) follows. */
    void headReceived() {
        enter(Phase.BODY);
    }

    /** The request's last body byte arrived; the gateway is answering. */
    void bodyReceived() {
        enter(Phase.BUSY);
    }

    /** A response is done and nothing else is being answered: wait for the next request. */
    void responded() {
        if (phase == Phase.BUSY) {
            enter(decoder != null && decoder.holdsBytes() ? Phase.HEAD : Phase.IDLE);
            ensureTimer();
        }
    }

    private void enter(Phase next) {
        phase = next;
        phaseStart = System.nanoTime();
        lastRead = phaseStart;
    }

    /** When the current phase times out; while BUSY, a distant check that keeps the timer alive. */
    private long deadline() {
        return switch (phase) {
            case IDLE, BUSY -> phaseStart + keepAliveNanos;
            case HEAD -> phaseStart + headerNanos;
            case BODY -> lastRead + bodyIdleNanos;
        };
    }

    private void ensureTimer() {
        long deadline = deadline();
        if (timer == null || deadline < timerAt) {
            schedule(deadline);
        }
    }

    private void schedule(long deadline) {
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = deadline;
        timer = ctx.executor().schedule(this::check, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void check() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        long deadline = deadline();
        long now = System.nanoTime();
        boolean gatewayPaused = !ctx.channel().config().isAutoRead() && phase != Phase.IDLE;
        if (now < deadline || gatewayPaused || phase == Phase.BUSY) {
            schedule(gatewayPaused || phase == Phase.BUSY ? now + Math.min(headerNanos, bodyIdleNanos) : deadline);
            return;
        }
        if (phase == Phase.IDLE) {
            ctx.close();
        } else {
            boolean head = phase == Phase.HEAD;
            phase = Phase.BUSY;
            connection.clientTooSlow(head);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
