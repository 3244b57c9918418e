package io.drawbridge.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grants that admit now, as the authorize step reads them: an immutable snapshot of the store's active grants,
 * re-read every {@code refresh} on a daemon thread of its own, so {@link #find} does no I/O. A grant approved or
 * revoked on any replica takes effect here within one refresh (default 1 s), and at once after a local
 * {@link #refreshNow}. When the store stops answering, the last snapshot keeps admitting until it is older than
 * {@code maxStaleness} (default 30 s); then nothing is admitted (fail closed) and {@link #healthy} is false until a
 * read succeeds again. A grant's end is checked against the clock at every look-up, never only at refresh.
 */
public final class ActiveGrants implements AutoCloseable {

    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_STALENESS = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ActiveGrants.class);

    private record Key(String route, String issuer, String subject) {
    }

    /** What one successful read saw, and when. */
    private record Snapshot(Map<Key, Grant> byHolder, Map<String, Grant> byId, Instant readAt) {
        static final Snapshot NONE = new Snapshot(Map.of(), Map.of(), null);
    }

    private final AccessStore store;
    private final Duration refresh;
    private final Duration maxStaleness;
    private final Clock clock;
    private final List<Consumer<Grant>> listeners = new CopyOnWriteArrayList<>();
    private final Object refreshing = new Object();
    private volatile Snapshot snapshot = Snapshot.NONE;
    private volatile boolean failing;
    private ScheduledExecutorService thread;

    public ActiveGrants(AccessStore store, Duration refresh, Duration maxStaleness, Clock clock) {
        if (refresh.isNegative() || refresh.isZero() || maxStaleness.compareTo(refresh) < 0) {
            throw new IllegalArgumentException("refresh must be positive and maxStaleness at least refresh");
        }
        this.store = store;
        this.refresh = refresh;
        this.maxStaleness = maxStaleness;
        this.clock = clock;
    }

    /**
     * The grant that lets ({@code issuer}, {@code subject}) use {@code route} now; empty when there is none, it has
     * ended, or the snapshot is older than {@code maxStaleness}. Of several, the one that ends last.
     */
    public Optional<Grant> find(String route, String issuer, String subject) {
        Snapshot s = snapshot;
        Instant now = clock.instant();
        if (!fresh(s, now)) {
            return Optional.empty();
        }
        Grant g = s.byHolder().get(new Key(route, issuer, subject));
        return g != null && g.activeAt(now) ? Optional.of(g) : Optional.empty();
    }

    /** Whether the last successful read is recent enough for grants to admit: for readiness. */
    public boolean healthy() {
        return fresh(snapshot, clock.instant());
    }

    /**
     * What readiness reports while grants admit nobody: {@code null} when {@link #healthy}, else why (never read,
     * or read too long ago). For {@code Readiness.add("access", grants::problem)}.
     */
    public String problem() {
        Snapshot s = snapshot;
        if (fresh(s, clock.instant())) {
            return null;
        }
        return s.readAt() == null ? "grants not read from the access store yet"
                : "grants last read from the access store " + stalenessSeconds() + "s ago (maxStaleness "
                        + maxStaleness.toSeconds() + "s): grants admit nobody";
    }

    /** Seconds since the last successful read (0 before the first), for the metrics. */
    public long stalenessSeconds() {
        Instant readAt = snapshot.readAt();
        return readAt == null ? 0 : Math.max(0, Duration.between(readAt, clock.instant()).toSeconds());
    }

    /** How many grants the snapshot holds that admit now. */
    public int size() {
        Instant now = clock.instant();
        return (int) snapshot.byId().values().stream().filter(g -> g.activeAt(now)).count();
    }

    /**
     * Tells {@code endedOrRevoked} of each grant that leaves the snapshot: ended by time (the grant as read) or
     * revoked (as read back from the store, with {@link Grant#revokedAt}, when it answers). Called on the refresh
     * thread, once per grant; a listener must not block.
     */
    public void addListener(Consumer<Grant> endedOrRevoked) {
        listeners.add(endedOrRevoked);
    }

    /** Reads the store now, on the caller's thread: after a local approval or revocation. Never throws. */
    public void refreshNow() {
        synchronized (refreshing) {
            Instant now = clock.instant();
            Snapshot before = snapshot;
            List<Grant> read;
            try {
                read = store.activeGrants(now);
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.warn("Grants could not be re-read ({}); the last ones read keep admitting for {}s at most",
                            e.getMessage(), maxStaleness.toSeconds());
                    failing = true;
                }
                dropEnded(before, now);
                return;
            }
            if (failing) {
                LOG.info("Grants are read again from the access store");
                failing = false;
            }
            Snapshot after = snapshotOf(read, now);
            snapshot = after;
            for (Grant gone : before.byId().values()) {
                if (!after.byId().containsKey(gone.id())) {
                    tell(gone.activeAt(now) ? revoked(gone) : gone);
                }
            }
        }
    }

    /** While the store is down, grants still end on time: take the ended ones out and tell the listeners. */
    private void dropEnded(Snapshot s, Instant now) {
        List<Grant> ended = s.byId().values().stream().filter(g -> !g.activeAt(now)).toList();
        if (ended.isEmpty()) {
            return;
        }
        List<Grant> left = new ArrayList<>(s.byId().values());
        left.removeAll(ended);
        snapshot = snapshotOf(left, s.readAt());
        ended.forEach(this::tell);
    }

    private Grant revoked(Grant g) {
        try {
            return store.grant(g.id()).orElse(g);
        } catch (RuntimeException e) {
            return g;
        }
    }

    private void tell(Grant g) {
        for (Consumer<Grant> l : listeners) {
            try {
                l.accept(g);
            } catch (RuntimeException e) {
                LOG.warn("A grant listener failed for grant {}", g.id(), e);
            }
        }
    }

    private static Snapshot snapshotOf(List<Grant> grants, Instant readAt) {
        Map<Key, Grant> byHolder = new HashMap<>();
        Map<String, Grant> byId = new HashMap<>();
        for (Grant g : grants) {
            byId.put(g.id(), g);
            byHolder.merge(new Key(g.route(), g.holder().issuer(), g.holder().subject()), g,
                    (a, b) -> a.endsAt().isAfter(b.endsAt()) ? a : b);
        }
        return new Snapshot(Map.copyOf(byHolder), Map.copyOf(byId), readAt);
    }

    private boolean fresh(Snapshot s, Instant now) {
        return s.readAt() != null && Duration.between(s.readAt(), now).compareTo(maxStaleness) <= 0;
    }

    /** Reads once (a failure leaves it unhealthy, not stopped), then every {@code refresh}. */
    public synchronized ActiveGrants start() {
        if (thread != null) {
            return this;
        }
        refreshNow();
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drawbridge-access-grants");
            t.setDaemon(true);
            return t;
        });
        long every = refresh.toMillis();
        thread.scheduleWithFixedDelay(this::refreshNow, every, every, TimeUnit.MILLISECONDS);
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
