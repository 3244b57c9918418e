package io.drawbridge.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable upstream for tests, on a free loopback port. Paths:
 * <ul>
 *   <li>{@code /big?bytes=N}: streams N bytes (chunked, generated, with back-pressure)</li>
 *   <li>{@code /slow?ms=N}: answers after N ms</li>
 *   <li>{@code /status/N}: answers status N</li>
 *   <li>{@code /cookies}: two {@code Set-Cookie} headers, a {@code Connection}-named header and a Camel header</li>
 *   <li>{@code /sse?events=N&ms=M}: N server-sent events, M ms apart</li>
 *   <li>{@code /ws}: a WebSocket echo</li>
 *   <li>{@code /broken}: promises 1000 bytes, sends 10, closes</li>
 *   <li>anything else: 200 with the request line in {@code X-Seen-Uri}</li>
 * </ul>
 * Every request line it sees is recorded, so a test can assert what never reached the upstream.
 */
public final class TestUpstream implements AutoCloseable {

    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final Channel channel;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    public TestUpstream() {
        channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast("http", new HttpServerCodec()).addLast("router", new Router());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Request lines ({@code METHOD uri}) in arrival order. */
    public List<String> seen() {
        return seen;
    }

    /** A request as it arrived: method, target and every header (name as sent, in order). */
    public record Received(String method, String uri, List<Map.Entry<String, String>> headers) {
        /** Every value of the header, compared without regard to letter case. */
        public List<String> all(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }

        public List<String> names() {
            return headers.stream().map(Map.Entry::getKey).toList();
        }
    }

    /** Every request in arrival order, with its headers. */
    public List<Received> received() {
        return received;
    }

    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Router extends ChannelInboundHandlerAdapter {
        private HttpRequest request;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest r) {
                request = r;
                seen.add(r.method() + " " + r.uri());
                received.add(new Received(r.method().name(), r.uri(), List.copyOf(r.headers().entries())));
                String path = new QueryStringDecoder(r.uri()).path();
                if (path.equals("/ws")) {
                    ctx.pipeline().addLast(new HttpObjectAggregator(65536),
                            new WebSocketServerProtocolHandler("/ws"), new WebSocketEcho());
                    ctx.pipeline().remove(this);
                    ctx.fireChannelRead(msg);
                    return;
                }
            }
            if (msg instanceof LastHttpContent && request != null) {
                HttpRequest r = request;
                request = null;
                ReferenceCountUtil.release(msg);
                answer(ctx, r);
                return;
            }
            ReferenceCountUtil.release(msg);
        }

        private void answer(ChannelHandlerContext ctx, HttpRequest r) {
            var query = new QueryStringDecoder(r.uri());
            Map<String, List<String>> params = query.parameters();
            String path = query.path();
            if (path.equals("/big")) {
                big(ctx, Long.parseLong(params.get("bytes").get(0)));
            } else if (path.equals("/slow")) {
                long ms = Long.parseLong(params.get("ms").get(0));
                ctx.executor().schedule(() -> text(ctx, r, 200, "slow"), ms, TimeUnit.MILLISECONDS);
            } else if (path.startsWith("/status/")) {
                text(ctx, r, Integer.parseInt(path.substring(8)), "status");
            } else if (path.equals("/cookies")) {
                FullHttpResponse response = full(200, "cookies");
                response.headers().add("Set-Cookie", "a=1; Path=/").add("Set-Cookie", "b=2; Path=/")
                        .add("Connection", "X-Upstream-Private").add("X-Upstream-Private", "secret")
                        .add("CamelHttpResponseCode", "500").add("camelFoo", "bar").add("Keep-Alive", "timeout=5");
                ctx.writeAndFlush(response);
            } else if (path.equals("/sse")) {
                sse(ctx, Integer.parseInt(params.get("events").get(0)), Long.parseLong(params.get("ms").get(0)));
            } else if (path.equals("/broken")) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.CONTENT_LENGTH, 1000);
                ctx.write(head);
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[10])))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                FullHttpResponse response = full(200, "ok");
                response.headers().set("X-Seen-Uri", r.uri());
                if (!HttpUtil.isKeepAlive(r)) {
                    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                } else {
                    ctx.writeAndFlush(response);
                }
            }
        }

        private void text(ChannelHandlerContext ctx, HttpRequest r, int status, String body) {
            ctx.writeAndFlush(full(status, body));
        }

        private FullHttpResponse full(int status, String body) {
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                    content);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                    .set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
            return response;
        }

        /** Streams {@code total} bytes, writing the next chunk only when the connection can take it. */
        private void big(ChannelHandlerContext ctx, long total) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
            ctx.write(head);
            byte[] block = new byte[64 * 1024];
            for (int i = 0; i < block.length; i++) {
                block[i] = (byte) i;
            }
            new Object() {
                long sent;

                void pump() {
                    while (sent < total && ctx.channel().isWritable()) {
                        int n = (int) Math.min(block.length, total - sent);
                        sent += n;
                        ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(block, 0, n)));
                    }
                    if (sent >= total) {
                        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                        return;
                    }
                    ChannelFuture flushed = ctx.writeAndFlush(Unpooled.EMPTY_BUFFER);
                    flushed.addListener(f -> {
                        if (f.isSuccess()) {
                            ctx.executor().execute(this::pump);
                        }
                    });
                }
            }.pump();
        }

        private void sse(ChannelHandlerContext ctx, int events, long ms) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            ctx.writeAndFlush(head);
            for (int i = 1; i <= events; i++) {
                int n = i;
                ctx.executor().schedule(() -> {
                    String event = "data: event " + n + " at " + System.currentTimeMillis() + "\n\n";
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(event, StandardCharsets.UTF_8)));
                    if (n == events) {
                        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                    }
                }, ms * i, TimeUnit.MILLISECONDS);
            }
        }
    }

    private static final class WebSocketEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame frame) {
                ctx.writeAndFlush(new TextWebSocketFrame("echo: " + frame.text()));
                frame.release();
            } else if (msg instanceof FullHttpRequest || msg instanceof HttpContent) {
                ReferenceCountUtil.release(msg);
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }
}
