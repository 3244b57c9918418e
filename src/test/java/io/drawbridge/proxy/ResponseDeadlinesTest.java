package io.drawbridge.proxy;

import io.netty.channel.DefaultEventLoop;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Upstream response deadlines without a timer per request: what is due fires, what was answered never does. */
class ResponseDeadlinesTest {

    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static long millis(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Test
    void aDeadlineFiresOnceDueAndACancelledOneNever() throws Exception {
        List<String> fired = new CopyOnWriteArrayList<>();
        var last = new CompletableFuture<Void>();
        loop.execute(() -> {
            ResponseDeadlines.arm(loop, millis(40), () -> fired.add("first"));
            ResponseDeadlines.arm(loop, millis(40), () -> fired.add("answered")).cancel();
            ResponseDeadlines.arm(loop, millis(40), () -> {
                fired.add("third");
                last.complete(null);
            });
        });
        last.get(5, TimeUnit.SECONDS);
        assertThat(fired).containsExactly("first", "third");
    }

    @Test
    void aShorterTimeoutArmedLaterFiresFirst() throws Exception {
        List<String> fired = new CopyOnWriteArrayList<>();
        var done = new CompletableFuture<Void>();
        loop.execute(() -> {
            ResponseDeadlines.arm(loop, millis(300), () -> {
                fired.add("long");
                done.complete(null);
            });
            ResponseDeadlines.arm(loop, millis(30), () -> fired.add("short"));
        });
        done.get(5, TimeUnit.SECONDS);
        assertThat(fired).containsExactly("short", "long");
    }

    @Test
    void theFirstDeadlineAnsweredLeavesTheNextOneArmed() throws Exception {
        List<String> fired = new CopyOnWriteArrayList<>();
        var done = new CompletableFuture<Void>();
        loop.execute(() -> {
            var first = ResponseDeadlines.arm(loop, millis(30), () -> fired.add("first"));
            loop.schedule(() -> ResponseDeadlines.arm(loop, millis(30), () -> {
                fired.add("second");
                done.complete(null);
            }), 10, TimeUnit.MILLISECONDS);
            first.cancel();
        });
        done.get(5, TimeUnit.SECONDS);
        assertThat(fired).containsExactly("second");
    }

    @Test
    void armedFromAnotherThreadItStillFires() throws Exception {
        var done = new CompletableFuture<String>();
        ResponseDeadlines.arm(loop, millis(20), () -> done.complete("on loop: " + loop.inEventLoop()));
        assertThat(done.get(5, TimeUnit.SECONDS)).isEqualTo("on loop: true");
    }
}
