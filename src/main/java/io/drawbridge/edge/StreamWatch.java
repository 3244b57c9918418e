package io.drawbridge.edge;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Checks the {@link StreamPermit} of every response streaming on an event loop once a second, and cuts the streams
 * whose permit ended: the upstream connection closes, then the client's, and the audit record says why. One ticker
 * per event loop, touched only from that loop, so a response that streams costs a map entry, not a timer.
 */
final class StreamWatch {

    static final long PERIOD_MILLIS = 1000;
    private static final FastThreadLocal<StreamWatch> PER_LOOP = new FastThreadLocal<>();

    private final Map<ClientRequest, StreamPermit> streaming = new LinkedHashMap<>();
    private final Clock clock;

    private StreamWatch(Clock clock) {
        this.clock = clock;
    }

    /** Watches {@code request} until it finishes; nothing to do without a permit (public routes). */
    static void start(ClientRequest request, StreamPermit permit, Clock clock) {
        if (permit == null) {
            return;
        }
        EventLoop loop = request.channel().eventLoop();
        if (!loop.inEventLoop()) {
            loop.execute(() -> start(request, permit, clock));
            return;
        }
        if (request.finished()) {
            return;
        }
        StreamWatch watch = PER_LOOP.get();
        if (watch == null) {
            watch = new StreamWatch(clock);
            PER_LOOP.set(watch);
            loop.scheduleAtFixedRate(watch::tick, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
        StreamWatch mine = watch;
        mine.streaming.put(request, permit);
        request.onFinish(() -> {
            if (loop.inEventLoop()) {
                mine.streaming.remove(request);
            } else {
                loop.execute(() -> mine.streaming.remove(request));
            }
        });
    }

    private void tick() {
        Instant now = clock.instant();
        List<Map.Entry<ClientRequest, StreamPermit.Ended>> cut = new ArrayList<>();
        for (var it = streaming.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (entry.getKey().finished()) {
                it.remove();
                continue;
            }
            StreamPermit.Ended ended = entry.getValue().ended(now);
            if (ended != null) {
                it.remove();
                cut.add(Map.entry(entry.getKey(), ended));
            }
        }
        cut.forEach(c -> c.getKey().endStream(c.getValue())); // after the loop: ending one finishes it
    }
}
