package io.drawbridge.authn;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One issuer's public keys, held in memory and refreshed from a Nimbus {@link JWKSetSource}.
 *
 * <p>Keys are used for {@code ttl} after a successful fetch. A fetch happens when the keys are stale or a token
 * names a key that is not among them, and at most once per {@code minRefreshInterval} whatever the reason and
 * whether it succeeds (so a flood of unknown {@code kid}s, or an issuer that is down, costs one request per
 * interval). Concurrent callers share one fetch. When a fetch fails the last keys fetched stay in use, however
 * old; with no keys at all, lookups fail as unavailable until a fetch succeeds.
 *
 * <p>With {@link KeyAccess#MEMORY_ONLY} a lookup never fetches: it answers from memory, or throws
 * {@link KeysNotInMemory} when a fetch is due and would be allowed. Only public keys are kept.
 *
 * <p>Nimbus's own chain ({@code JWKSourceBuilder}) is not used: its rate limiter lets two fetches through per
 * interval, and its cached set is not visible outside its package, which the non-blocking check needs.
 */
final class IssuerKeys implements JWKSource<KeyAccess> {

    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);
    /** How long a worker waits for another worker's fetch; fetches are bounded by their HTTP timeouts. */
    private static final long FETCH_WAIT_MILLIS = 10_000;

    private final String issuerName;
    private final JWKSetSource<KeyAccess> source;
    private final long ttlMillis;
    private final long minRefreshIntervalMillis;
    private final Clock clock;
    private final ReentrantLock fetching = new ReentrantLock();
    private volatile Snapshot snapshot;
    private volatile long nextFetchAllowedAt = Long.MIN_VALUE;
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile Consumer<Set<String>> removed = kids -> { };

    private IssuerKeys(String issuerName, JWKSetSource<KeyAccess> source, Duration ttl, Duration minRefreshInterval,
                       Clock clock, Snapshot initial) {
        this.issuerName = issuerName;
        this.source = source;
        this.ttlMillis = ttl.toMillis();
        this.minRefreshIntervalMillis = minRefreshInterval.toMillis();
        this.clock = clock;
        this.snapshot = initial;
    }

    /** Keys that never change, e.g. read from a file. */
    static IssuerKeys fixed(String issuerName, JWKSet keys) {
        return new IssuerKeys(issuerName, null, Duration.ZERO, Duration.ZERO, Clock.systemUTC(),
                new Snapshot(keys.toPublicJWKSet(), Long.MAX_VALUE));
    }

    /** Keys fetched from {@code source} when first needed. */
    static IssuerKeys fetched(String issuerName, JWKSetSource<KeyAccess> source, Duration ttl,
                              Duration minRefreshInterval, Clock clock) {
        return new IssuerKeys(issuerName, source, ttl, minRefreshInterval, clock, null);
    }

    @Override
    public List<JWK> get(JWKSelector selector, KeyAccess access) throws KeySourceException {
        Snapshot seen = snapshot;
        long now = clock.millis();
        List<JWK> found = select(seen, selector);
        if (!found.isEmpty() && now < seen.staleAt()) {
            return found;
        }
        if (!fetchAllowedAt(now)) {
            return decide(seen, found);
        }
        if (access != KeyAccess.MAY_FETCH) {
            throw new KeysNotInMemory();
        }
        Snapshot latest = fetchUnlessDoneSince(seen);
        return decide(latest, select(latest, selector));
    }

    /** Whether keys are in memory (fresh or last-known-good): tokens can be verified without a fetch. */
    boolean hasKeys() {
        return snapshot != null;
    }

    /** Fetches the keys when there are none yet and a fetch is allowed; blocking: for a worker thread. */
    void prefetch() {
        Snapshot seen = snapshot;
        if (seen == null && fetchAllowedAt(clock.millis())) {
            fetchUnlessDoneSince(null);
        }
    }

    /**
     * Told, after a fetch, the {@code kid}s of keys no longer published (or published with other key material);
     * {@code ""} stands for a key without one.
     */
    void onKeysRemoved(Consumer<Set<String>> listener) {
        this.removed = listener;
    }

    /** Whether a fetch is due and allowed: the keys in memory are older than the TTL. */
    boolean refreshDue() {
        Snapshot seen = snapshot;
        long now = clock.millis();
        return seen != null && now >= seen.staleAt() && fetchAllowedAt(now);
    }

    /** JWKS fetches that succeeded and failed since start. */
    long fetchesSucceeded() {
        return fetched.get();
    }

    long fetchesFailed() {
        return failed.get();
    }

    private boolean fetchAllowedAt(long now) {
        return source != null && now >= nextFetchAllowedAt;
    }

    /** Fetches the keys, unless another caller did (or tried) while this one waited. */
    private Snapshot fetchUnlessDoneSince(Snapshot seen) {
        try {
            if (!fetching.tryLock(FETCH_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                return snapshot;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return snapshot;
        }
        try {
            Snapshot current = snapshot;
            long now = clock.millis();
            if (current != seen || !fetchAllowedAt(now)) {
                return current;
            }
            nextFetchAllowedAt = saturatedAdd(now, minRefreshIntervalMillis);
            try {
                JWKSet keys = source.getJWKSet(JWKSetCacheRefreshEvaluator.forceRefresh(), now, KeyAccess.MAY_FETCH);
                snapshot = new Snapshot(keys.toPublicJWKSet(), saturatedAdd(now, ttlMillis));
                fetched.incrementAndGet();
                LOG.debug("Fetched {} key(s) of issuer {}", keys.size(), issuerName);
                Set<String> gone = gone(current, snapshot);
                if (!gone.isEmpty()) {
                    LOG.info("Issuer {} no longer publishes key(s) {}: tokens verified with them are refused from now"
                            + " on", issuerName, gone);
                    removed.accept(gone);
                }
            } catch (KeySourceException | RuntimeException e) {
                failed.incrementAndGet();
                LOG.warn("Could not fetch the keys of issuer {}: {}; {}", issuerName, e.getMessage(),
                        current == null ? "no keys yet" : "keeping the last keys fetched");
            }
            return snapshot;
        } finally {
            fetching.unlock();
        }
    }

    /** The kids of the keys in {@code before} that {@code after} does not hold, the same, under the same kid. */
    private static Set<String> gone(Snapshot before, Snapshot after) {
        if (before == null) {
            return Set.of();
        }
        Set<String> gone = new TreeSet<>();
        for (JWK key : before.keys().getKeys()) {
            if (!after.keys().getKeys().contains(key)) {
                gone.add(key.getKeyID() == null ? "" : key.getKeyID());
            }
        }
        return gone;
    }

    private List<JWK> decide(Snapshot keys, List<JWK> found) throws KeySourceException {
        if (keys == null) {
            throw new KeysUnavailable("no keys could be fetched yet");
        }
        if (found.isEmpty()) {
            throw new KeyUnknown("no signing key matches the token's header");
        }
        return found;
    }

    private static List<JWK> select(Snapshot keys, JWKSelector selector) {
        return keys == null ? List.of() : selector.select(keys.keys());
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** @param staleAt epoch millis after which the keys should be fetched again */
    private record Snapshot(JWKSet keys, long staleAt) {
    }

    /** A lookup failure that is routine: no stack trace. */
    abstract static class LookupFailed extends KeySourceException {
        LookupFailed(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** A fetch is due, and the caller said it cannot wait for one. */
    static final class KeysNotInMemory extends LookupFailed {
        KeysNotInMemory() {
            super("the keys must be fetched first");
        }
    }

    /** The keys are known, and none matches the token. */
    static final class KeyUnknown extends LookupFailed {
        KeyUnknown(String message) {
            super(message);
        }
    }

    /** No keys could be fetched yet. */
    static final class KeysUnavailable extends LookupFailed {
        KeysUnavailable(String message) {
            super(message);
        }
    }
}
