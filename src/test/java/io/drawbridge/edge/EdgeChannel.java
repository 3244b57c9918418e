package io.drawbridge.edge;

import io.drawbridge.audit.AuditRecord;
import io.drawbridge.audit.AuditSink;
import io.drawbridge.config.IdentityHeadersConfig;
import io.drawbridge.config.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * The data plane of one client connection on Netty's {@code EmbeddedChannel}: the listener's real handlers
 * (slow-client guard, strict decoder, encoder, connection handler), an audit sink that holds every record's
 * "written" until the test releases it, and a count of flushes at the socket's end. No socket, no thread: a
 * data-plane regression shows in milliseconds.
 */
public final class EdgeChannel {

    public static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.10", 40000);

    /** Keeps records and holds what waits for them until {@link #release()}. */
    public static final class HeldAudit implements AuditSink {
        public final List<AuditRecord> records = new ArrayList<>();
        private final List<Runnable> held = new ArrayList<>();
        public boolean behind;

        @Override
        public void accept(AuditRecord record) {
            records.add(record);
        }

        @Override
        public void accept(AuditRecord record, Runnable onWritten) {
            records.add(record);
            held.add(onWritten);
        }

        @Override
        public boolean behind() {
            return behind;
        }

        /** The sink has written everything: what waited for it runs. */
        public void release() {
            List<Runnable> now = new ArrayList<>(held);
            held.clear();
            now.forEach(Runnable::run);
        }

        @Override
        public void close() {
        }
    }

    public final HeldAudit audit = new HeldAudit();
    public final HttpListener listener;
    public final EmbeddedChannel channel;
    private int flushes;

    public EdgeChannel() {
        this(ServerConfig.defaults());
    }

    public EdgeChannel(ServerConfig config) {
        listener = new HttpListener(config, IdentityHeadersConfig.defaults(), null, audit);
        channel = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false) {
            @Override
            protected SocketAddress remoteAddress0() {
                return PEER;
            }
        };
        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes++;
                ctx.flush();
            }
        });
        listener.addConnectionHandlers(channel.pipeline(), new HttpDecoderConfig().setValidateHeaders(true));
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes from the client, and whatever the loop then has to do. */
    public void send(String raw) {
        channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
    }

    /** The audit sink has written: responses that waited for it go out. */
    public void releaseAudit() {
        audit.release();
        channel.runPendingTasks();
    }

    /** Everything written to the client so far (and not read before). */
    public String written() {
        StringBuilder out = new StringBuilder();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ByteBuf bytes = (ByteBuf) msg;
            out.append(bytes.toString(StandardCharsets.ISO_8859_1));
            bytes.release();
        }
        return out.toString();
    }

    /** How many times the connection was flushed: each flush is at least one write system call on a socket. */
    public int flushes() {
        return flushes;
    }

    /** A routed GET request on this connection, as the connection handler would make it (for proxy tests). */
    public ClientRequest request(String path) {
        ClientConnectionHandler connection = channel.pipeline().get(ClientConnectionHandler.class);
        var head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        head.headers().set("Host", "gw.example");
        return new ClientRequest(connection, channel, head, RequestTarget.parse(path), "test-1", "gw.example",
                "gw.example", PEER.getAddress().getHostAddress(), PEER.getAddress().getHostAddress(), "http",
                BodyFraming.NONE, 1024);
    }

    /** Answers {@code request} as the edge does when its route is done. */
    public static void complete(ClientRequest request, Exchange exchange) {
        ResponseWriter.complete(request, exchange);
    }
}
