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
import java.util.concurrent.TimeUnit;

/**
 * Identities of tokens already verified, so a client's next request with the same token costs a hash and a
 * lookup instead of a signature check. Keyed by the SHA-256 of the token (the token itself is never held),
 * each entry expires at the token's {@code exp}, and an entry's expiry is checked again on every use.
 * Bounded in size; the least useful entries are evicted first.
 */
public final class VerifiedTokens {

    /** Default bound on the number of entries. */
    public static final long DEFAULT_MAX_SIZE = 100_000;

    private final Cache<String, Identity> cache;
    private final Clock clock;

    public VerifiedTokens() {
        this(DEFAULT_MAX_SIZE, Clock.systemUTC());
    }

    public VerifiedTokens(long maxSize, Clock clock) {
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxSize)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(Expiry.<String, Identity>creating((key, identity) ->
                        Duration.between(clock.instant(), identity.expiresAt())))
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
        Identity identity = cache.getIfPresent(key);
        if (identity == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(identity.expiresAt())) {
            cache.invalidate(key);
            return Optional.empty();
        }
        return Optional.of(identity);
    }

    /** Remembers a verified identity until its expiry; identities without one are not remembered. */
    void put(String key, Identity identity) {
        if (identity.expiresAt() != null && clock.instant().isBefore(identity.expiresAt())) {
            cache.put(key, identity);
        }
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
