package io.drawbridge.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The upstream response deadlines of one event loop, without a timer per request: a request armed with a timeout
 * joins the end of the chain of its timeout's length (so each chain is in deadline order), answering unlinks it,
 * and one timer per loop fires at the earliest deadline. Scheduling and cancelling a Netty timer on every request
 * cost a task object and two priority-queue operations each; here a busy loop moves its one timer about once per
 * timeout length. Touched only from its loop.
 */
final class ResponseDeadlines {

    private static final FastThreadLocal<ResponseDeadlines> PER_LOOP = new FastThreadLocal<>();

    /** An armed deadline; {@link #cancel()} disarms it. */
    static final class Deadline {
        private final Runnable onExpiry;
        private final long at;
        private Chain chain;
        private Deadline previous;
        private Deadline next;
        private boolean cancelled;

        private Deadline(Runnable onExpiry, long at) {
            this.onExpiry = onExpiry;
            this.at = at;
        }

        void cancel() {
            cancelled = true;
            if (chain != null) {
                chain.unlink(this);
            }
        }
    }

    /** The armed deadlines of one timeout length, earliest first. */
    private static final class Chain {
        private final long length;
        private Deadline first;
        private Deadline last;

        Chain(long length) {
            this.length = length;
        }

        void append(Deadline d) {
            d.chain = this;
            d.previous = last;
            if (last == null) {
                first = d;
            } else {
                last.next = d;
            }
            last = d;
        }

        void unlink(Deadline d) {
            if (d.previous == null) {
                first = d.next;
            } else {
                d.previous.next = d.next;
            }
            if (d.next == null) {
                last = d.previous;
            } else {
                d.next.previous = d.previous;
            }
            d.chain = null;
            d.previous = null;
            d.next = null;
        }
    }

    private final EventExecutor loop;
    private final List<Chain> chains = new ArrayList<>(2);
    private ScheduledFuture<?> timer;
    private long timerAt;

    private ResponseDeadlines(EventExecutor loop) {
        this.loop = loop;
    }

    /** Arms a deadline {@code nanos} from now on {@code loop}, which must be the calling thread's loop. */
    static Deadline arm(EventExecutor loop, long nanos, Runnable onExpiry) {
        if (!loop.inEventLoop()) { // not expected (a call runs on its client's loop), but never lose a deadline
            Deadline later = new Deadline(onExpiry, System.nanoTime() + nanos);
            loop.schedule(() -> {
                if (!later.cancelled) {
                    onExpiry.run();
                }
            }, nanos, TimeUnit.NANOSECONDS);
            return later;
        }
        ResponseDeadlines deadlines = PER_LOOP.get();
        if (deadlines == null || deadlines.loop != loop) {
            deadlines = new ResponseDeadlines(loop);
            PER_LOOP.set(deadlines);
        }
        return deadlines.add(nanos, onExpiry);
    }

    private Deadline add(long nanos, Runnable onExpiry) {
        Deadline d = new Deadline(onExpiry, System.nanoTime() + nanos);
        chain(nanos).append(d);
        if (timer == null || d.at - timerAt < 0) {
            schedule(d.at);
        }
        return d;
    }

    private Chain chain(long length) {
        for (Chain c : chains) {
            if (c.length == length) {
                return c;
            }
        }
        Chain c = new Chain(length);
        chains.add(c);
        return c;
    }

    private void schedule(long at) {
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = at;
        timer = loop.schedule(this::expire, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Runs what is due, then sets the timer for the earliest deadline left, if any. */
    private void expire() {
        timer = null;
        long now = System.nanoTime();
        List<Deadline> due = new ArrayList<>();
        long earliest = 0;
        boolean any = false;
        for (Chain c : chains) {
            while (c.first != null && c.first.at - now <= 0) {
                Deadline d = c.first;
                c.unlink(d);
                due.add(d);
            }
            if (c.first != null && (!any || c.first.at - earliest < 0)) {
                earliest = c.first.at;
                any = true;
            }
        }
        if (any) {
            schedule(earliest);
        }
        for (Deadline d : due) { // after the bookkeeping: an expiry may arm or cancel others
            d.onExpiry.run();
        }
    }
}
