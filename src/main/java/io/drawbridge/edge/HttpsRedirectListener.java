package io.drawbridge.edge;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain-HTTP port that only sends every request to the same host and path over HTTPS ({@code 308}, so methods
 * and bodies are kept). The host comes from the request's {@code Host} header, so it must look like a host name or
 * address: anything else is 400, and nothing but the path and query is carried over.
 */
final class HttpsRedirectListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpsRedirectListener.class);
    private static final Pattern HOST = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])(:\\d{1,5})?");

    private final Channel channel;

    HttpsRedirectListener(EventLoops loops, String host, int port, IntSupplier httpsPort) {
        channel = new ServerBootstrap()
                .group(loops.acceptor(), loops.workers())
                .channel(loops.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new Redirector(httpsPort));
                    }
                })
                .bind(host, port).syncUninterruptibly().channel();
        LOG.info("Redirecting http://{}:{} to https", host, port());
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    /** The https URL for a request, or null when its Host header is not a plain host. */
    static String target(String hostHeader, String uri, int httpsPort) {
        if (hostHeader == null || !HOST.matcher(hostHeader).matches()) {
            return null;
        }
        String host = hostHeader.startsWith("[") ? hostHeader.substring(0, hostHeader.indexOf(']') + 1)
                : hostHeader.contains(":") ? hostHeader.substring(0, hostHeader.indexOf(':')) : hostHeader;
        String path = uri != null && uri.startsWith("/") && !uri.startsWith("//") ? uri : "/";
        return "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort) + path;
    }

    private static final class Redirector extends SimpleChannelInboundHandler<HttpObject> {
        private final IntSupplier httpsPort;

        Redirector(IntSupplier httpsPort) {
            this.httpsPort = httpsPort;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest request)) {
                return;
            }
            String location = request.decoderResult().isSuccess()
                    ? target(request.headers().get(HttpHeaderNames.HOST), request.uri(), httpsPort.getAsInt()) : null;
            var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, location == null
                    ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.PERMANENT_REDIRECT, Unpooled.EMPTY_BUFFER);
            if (location != null) {
                response.headers().set(HttpHeaderNames.LOCATION, location);
            }
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
