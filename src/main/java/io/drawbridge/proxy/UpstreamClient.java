package io.drawbridge.proxy;

import io.drawbridge.config.UpstreamDefaults;
import io.drawbridge.edge.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Connections to upstreams: opened on the event loop of the client connection they serve, kept alive and pooled
 * per event loop and origin (no locks: each pool is touched by one thread only), closed after sitting idle.
 */
public final class UpstreamClient {

    static final String CODEC = "http";
    static final String HANDLER = "upstream";

    private final EventLoops loops;
    private final UpstreamDefaults defaults;
    private final SslContext tls;
    private final Map<String, UpstreamTls> named;
    private final FastThreadLocal<Map<String, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<String, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    /**
     * @throws UpstreamTls.Unusable when named TLS settings cannot be used, naming the setting and the file
     */
    public UpstreamClient(EventLoops loops, UpstreamDefaults defaults) {
        this.loops = loops;
        this.defaults = defaults;
        this.tls = UpstreamTls.defaultContext(); // the JDK's trust store; host names verified on every connection
        Map<String, UpstreamTls> settings = new HashMap<>();
        defaults.tls().forEach((name, config) -> settings.put(name, new UpstreamTls(name, config)));
        this.named = Map.copyOf(settings);
    }

    /** The named TLS settings, or {@code null} when there are none by that name. */
    public UpstreamTls tls(String name) {
        return named.get(name);
    }

    public UpstreamDefaults defaults() {
        return defaults;
    }

    /**
     * Hands {@code connected} a connection to {@code target} on {@code loop}: a pooled one (second argument
     * {@code true}) or a new one, or the connection failure.
     */
    void acquire(EventLoop loop, UpstreamTarget target, UpstreamTls settings, Duration connectTimeout,
                 BiConsumer<Channel, Boolean> connected, Consumer<Throwable> failed) {
        String poolKey = poolKey(target, settings);
        ArrayDeque<Channel> pool = idle.get().get(poolKey);
        if (pool != null) {
            Channel channel;
            while ((channel = pool.pollFirst()) != null) {
                if (channel.isActive()) {
                    connected.accept(channel, true);
                    return;
                }
            }
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(loops.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (target.secure()) {
                            ch.pipeline().addLast("tls", settings != null
                                    ? settings.handler(ch.alloc(), target.host(), target.port())
                                    : UpstreamTls.handler(tls, target.host(), target.port(), ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, defaults.idleTimeout().toMillis(),
                                        TimeUnit.MILLISECONDS))
                                .addLast(CODEC, new HttpClientCodec(8192, 64 * 1024, 64 * 1024))
                                .addLast(HANDLER, new UpstreamHandler());
                    }
                });
        ChannelFuture future = bootstrap.connect(target.host(), target.port());
        future.addListener(f -> {
            if (f.isSuccess()) {
                Channel channel = future.channel();
                channel.closeFuture().addListener(c -> {
                    ArrayDeque<Channel> p = idle.get().get(poolKey);
                    if (p != null) {
                        p.remove(channel);
                    }
                });
                connected.accept(channel, false);
            } else {
                failed.accept(f.cause());
            }
        });
    }

    /** Connections are pooled per origin and TLS settings: a connection made with one client certificate is never
     * handed to a route that names another. */
    private static String poolKey(UpstreamTarget target, UpstreamTls settings) {
        return settings == null ? target.origin() : target.origin() + " tls=" + settings.name();
    }

    /** Returns a connection whose exchange completed cleanly; called on its event loop. */
    void release(UpstreamTarget target, UpstreamTls settings, Channel channel) {
        if (!channel.isActive()) {
            return;
        }
        Map<String, ArrayDeque<Channel>> pools = idle.get();
        ArrayDeque<Channel> pool = pools.computeIfAbsent(poolKey(target, settings), k -> new ArrayDeque<>());
        if (pool.size() >= defaults.maxIdlePerHost()) {
            channel.close();
            return;
        }
        UpstreamHandler.of(channel).unbind();
        pool.addFirst(channel); // most recently used first: the warmest connection is reused
    }
}
