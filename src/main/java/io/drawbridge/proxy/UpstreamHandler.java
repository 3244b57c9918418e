package io.drawbridge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection: passes what the upstream sends to the call that owns the
 * connection, and closes the connection when it idles in the pool.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    private ProxyCall call;

    static UpstreamHandler of(Channel channel) {
        return (UpstreamHandler) channel.pipeline().get(UpstreamClient.HANDLER);
    }

    void bind(ProxyCall call) {
        this.call = call;
    }

    void unbind() {
        this.call = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ProxyCall owner = call;
        if (owner == null) {
            ReferenceCountUtil.release(msg); // an idle connection has nothing to say: drop it
            ctx.close();
            return;
        }
        if (msg instanceof HttpObject http) {
            owner.onUpstream(http);
        } else if (msg instanceof ByteBuf bytes) {
            owner.onTunnelBytes(bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (call != null) {
            call.onUpstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (call != null && ctx.channel().isWritable()) {
            call.onUpstreamWritable();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && call == null) {
            ctx.close();
        } else {
            ReferenceCountUtil.release(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (call != null) {
            call.onUpstreamClosed(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ProxyCall owner = call;
        ctx.close();
        if (owner != null) {
            owner.onUpstreamClosed(cause);
        }
    }
}
