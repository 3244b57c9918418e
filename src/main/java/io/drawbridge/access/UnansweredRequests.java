package io.drawbridge.access;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires requests nobody answered in time: every {@code every} (default 10 s) on a daemon thread, it asks the
 * store to expire what is overdue and hands each request this replica expired to {@code onExpired} (to be
 * audited); the store makes sure no two replicas report the same one. Also counts the open requests for the
 * metrics. A store that does not answer is tried again at the next sweep.
 */
public final class UnansweredRequests implements AutoCloseable {

    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(UnansweredRequests.class);

    private final AccessStore store;
    private final Duration every;
    private final Clock clock;
    private final Consumer<AccessRequest> onExpired;
    private volatile int open;
    private ScheduledExecutorService thread;

    public UnansweredRequests(AccessStore store, Duration every, Clock clock, Consumer<AccessRequest> onExpired) {
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("the sweep interval must be positive");
        }
        this.store = store;
        this.every = every;
        this.clock = clock;
        this.onExpired = onExpired;
    }

    /** One sweep on the caller's thread; the requests it expired (already handed to the callback). */
    public synchronized List<AccessRequest> sweepNow() {
        try {
            List<AccessRequest> expired = store.expireUnanswered(clock.instant());
            for (AccessRequest r : expired) {
                try {
                    onExpired.accept(r);
                } catch (RuntimeException e) {
                    LOG.warn("Reporting the expiry of access request {} failed", r.id(), e);
                }
            }
            open = store.pending(clock.instant()).size();
            return expired;
        } catch (AccessStoreUnavailable e) {
            LOG.debug("Unanswered access requests not swept: {}", e.getMessage());
            return List.of();
        }
    }

    /** Requests waiting for an answer, as of the last sweep. */
    public int open() {
        return open;
    }

    public synchronized UnansweredRequests start() {
        if (thread != null) {
            return this;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drawbridge-access-expiry");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::sweepNow, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            thread = null;
        }
    }
}
