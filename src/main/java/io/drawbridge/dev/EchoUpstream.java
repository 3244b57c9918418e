package io.drawbridge.dev;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * An upstream that answers every request with a JSON object of what it received: {@code method}, {@code path},
 * {@code query}, {@code headers} (name → list of values, as sent), and the body's size and SHA-256 (the body
 * itself too when it is small). It streams: bodies of any size are counted, never held. Used by dev mode and
 * by the tests, so both see the same upstream.
 * <p>Like Jupyter and many other web applications, it refuses a request whose {@code Origin} names another
 * host and port than its {@code Host} header (403, "Blocking Cross Origin API request"), so a gateway that
 * rewrites {@code Host} breaks it as it would break them.
 */
public final class EchoUpstream implements AutoCloseable {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int INLINE_BODY = 4096;

    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("echo-upstream", true));
    private final Channel channel;

    public EchoUpstream(String host, int port) {
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new Echo());
                    }
                })
                .bind(host, port).syncUninterruptibly().channel();
    }

    /** Starts on a free loopback port. */
    public static EchoUpstream start() {
        return new EchoUpstream("127.0.0.1", 0);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Echo extends SimpleChannelInboundHandler<HttpObject> {
        private HttpRequest request;
        private MessageDigest sha256;
        private long size;
        private ByteArrayOutputStream inline;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest r) {
                request = r;
                size = 0;
                inline = new ByteArrayOutputStream();
                try {
                    sha256 = MessageDigest.getInstance("SHA-256");
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (msg instanceof HttpContent content && request != null) {
                var buf = content.content();
                int n = buf.readableBytes();
                size += n;
                sha256.update(buf.nioBuffer());
                if (inline != null && inline.size() + n <= INLINE_BODY) {
                    byte[] bytes = new byte[n];
                    buf.getBytes(buf.readerIndex(), bytes);
                    inline.writeBytes(bytes);
                } else {
                    inline = null;
                }
                if (content instanceof LastHttpContent) {
                    respond(ctx);
                    request = null;
                }
            }
        }

        private void respond(ChannelHandlerContext ctx) {
            if (crossOrigin(request)) {
                refuse(ctx, "Blocking Cross Origin API request. Origin: " + request.headers().get("Origin")
                        + ", Host: " + request.headers().get("Host"));
                return;
            }
            var body = Unpooled.buffer(1024);
            try (JsonGenerator g = JSON.createGenerator((OutputStream) new ByteBufOutputStream(body),
                    JsonEncoding.UTF8)) {
                String uri = request.uri();
                int q = uri.indexOf('?');
                g.writeStartObject();
                g.writeStringField("method", request.method().name());
                g.writeStringField("path", q >= 0 ? uri.substring(0, q) : uri);
                g.writeStringField("query", q >= 0 ? uri.substring(q + 1) : null);
                g.writeObjectFieldStart("headers");
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                for (Map.Entry<String, String> h : request.headers()) {
                    headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue());
                }
                for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                    g.writeArrayFieldStart(h.getKey());
                    for (String v : h.getValue()) {
                        g.writeString(v);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
                g.writeNumberField("bodyBytes", size);
                g.writeStringField("bodySha256", HexFormat.of().formatHex(sha256.digest()));
                if (inline != null) {
                    g.writeStringField("body", inline.toString(StandardCharsets.UTF_8));
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            body.writeByte('\n');
            send(ctx, HttpResponseStatus.OK, body);
        }

        /** Jupyter's rule (notebook's {@code check_origin}): an Origin's host and port must be the Host header. */
        static boolean crossOrigin(HttpRequest request) {
            String origin = request.headers().get("Origin");
            if (origin == null) {
                return false;
            }
            String host = request.headers().get("Host");
            try {
                String authority = URI.create(origin.trim()).getRawAuthority();
                return authority == null || host == null || !authority.equalsIgnoreCase(host.trim());
            } catch (IllegalArgumentException e) {
                return true;
            }
        }

        private void refuse(ChannelHandlerContext ctx, String message) {
            var body = Unpooled.buffer(256);
            try (JsonGenerator g = JSON.createGenerator((OutputStream) new ByteBufOutputStream(body),
                    JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeStringField("message", message);
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            send(ctx, HttpResponseStatus.FORBIDDEN, body);
        }

        private void send(ChannelHandlerContext ctx, HttpResponseStatus status, ByteBuf body) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            var future = ctx.writeAndFlush(response);
            if (!keepAlive) {
                future.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
