package io.drawbridge.authn;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.drawbridge.identity.Identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Identities of tokens already verified, so a client's next request with the same token costs a hash and a
 * lookup instead of a signature check. Keyed by the SHA-256 of the token (the token itself is never held),
 * each entry expires at the token's {@code exp}, and an entry's expiry is checked again on every use. Entries
 * verified with a key its issuer no longer publishes are dropped when a fetch of the issuer's keys shows it.
 * Bounded in size; the least useful entries are evicted first.
 */
public final class VerifiedTokens {

    /** Default bound on the number of entries. */
    public static final long DEFAULT_MAX_SIZE = 100_000;

    /** An identity, and the {@code kid} of the key that verified it ({@code null}: the token named none). */
    private record Verified(Identity identity, String kid) {
    }

    private final Cache<String, Verified> cache;
    private final Clock clock;
    private final AtomicLong generation = new AtomicLong();

    public VerifiedTokens() {
        this(DEFAULT_MAX_SIZE, Clock.systemUTC());
    }

    public VerifiedTokens(long maxSize, Clock clock) {
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxSize)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(Expiry.<String, Verified>creating((key, verified) ->
                        Duration.between(clock.instant(), verified.identity().expiresAt())))
                .executor(Runnable::run) // maintenance is cheap; no hop to the common pool
                .recordStats()
                .build();
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    });

    /** The cache key of a token: its SHA-256 (32 bytes held as a Latin-1 string: compact, never the token). */
    static String key(String token) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return new String(digest.digest(token.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.ISO_8859_1);
    }

    /** The identity verified for this key, unless it has expired since. */
    Optional<Identity> get(String key) {
        Verified verified = cache.getIfPresent(key);
        if (verified == null) {
            return Optional.empty();
        }
        Identity identity = verified.identity();
        if (!clock.instant().isBefore(identity.expiresAt())) {
            cache.invalidate(key);
            return Optional.empty();
        }
        return Optional.of(identity);
    }

    /** Remembers a verified identity until its expiry; identities without one are not remembered. */
    void put(String key, Identity identity) {
        put(key, identity, null, generation());
    }

    /**
     * Remembers an identity verified with the key {@code kid}, unless keys were {@link #forget forgotten} since
     * {@code generation} was read (before the verification began): it may have been made with one of them.
     */
    void put(String key, Identity identity, String kid, long generation) {
        if (identity.expiresAt() != null && clock.instant().isBefore(identity.expiresAt())) {
            cache.put(key, new Verified(identity, kid));
            if (this.generation.get() != generation) {
                cache.invalidate(key);
            }
        }
    }

    /** Counts {@link #forget} calls; read it before a verification whose result is to be remembered. */
    long generation() {
        return generation.get();
    }

    /**
     * Drops the identities an issuer's keys with these {@code kid}s verified ({@code ""}: a key without one), and
     * those of its tokens that named no key, which any of its keys may have verified.
     */
    void forget(String issuer, Set<String> kids) {
        generation.incrementAndGet();
        cache.asMap().values().removeIf(v -> v.identity().issuer().equals(issuer)
                && (v.kid() == null || kids.contains(v.kid())));
    }

    /** Hits and misses since start, for metrics: {hits, misses}. */
    public long[] hitsAndMisses() {
        var stats = cache.stats();
        return new long[] {stats.hitCount(), stats.missCount()};
    }

    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
