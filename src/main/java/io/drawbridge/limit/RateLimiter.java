package io.drawbridge.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.drawbridge.policy.RateLimit;

/**
 * Token buckets, one per route and caller. A bucket starts full ({@code burst} requests) and refills continuously
 * at the limit's rate; a request takes one token or is refused with the time until one is there. A bucket left
 * alone until it would be full again is forgotten, and at most {@code maxBuckets} are kept (the least recently
 * used go first, which can only make a limit more lenient for an evicted caller, never stricter).
 */
public final class RateLimiter {

    private final Cache<String, Bucket> buckets;
    private final Ticker ticker;

    public RateLimiter(long maxBuckets, Ticker ticker) {
        this.ticker = ticker;
        this.buckets = Caffeine.newBuilder().maximumSize(maxBuckets).ticker(ticker).executor(Runnable::run)
                .expireAfter(new Expiry<String, Bucket>() {
                    // Entries are read just before a token is taken: the bucket must live until it has refilled
                    // that token too, or a caller would get a full bucket back too early.
                    @Override
                    public long expireAfterCreate(String key, Bucket bucket, long now) {
                        return bucket.nanosUntilFullAfterOneMore(now);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Bucket bucket, long now, long current) {
                        return bucket.nanosUntilFullAfterOneMore(now);
                    }

                    @Override
                    public long expireAfterRead(String key, Bucket bucket, long now, long current) {
                        return bucket.nanosUntilFullAfterOneMore(now);
                    }
                }).build();
    }

    public RateLimiter() {
        this(100_000, Ticker.systemTicker());
    }

    /**
     * Takes a request's token from the caller's bucket.
     *
     * @param route  the route the request is for
     * @param caller who is counted: {@code sub:<issuer> <subject>} or {@code ip:<address>}
     * @throws RateLimited when the bucket is empty
     */
    public void take(String route, String caller, RateLimit limit) {
        long now = ticker.read();
        Bucket bucket = buckets.get(route + '\n' + caller + '\n' + limit, k -> new Bucket(limit, now));
        long wait = bucket.take(now);
        if (wait > 0) {
            throw new RateLimited("more than " + limit + " for this caller", Math.max(1, (wait + 999_999_999L)
                    / 1_000_000_000L));
        }
    }

    /** How many buckets are kept now (for metrics and tests). */
    public long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private static final class Bucket {
        private final double nanosPerPermit;
        private final double capacity;
        private double tokens;
        private long updated;

        Bucket(RateLimit limit, long now) {
            this.nanosPerPermit = limit.nanosPerPermit();
            this.capacity = limit.burst();
            this.tokens = capacity;
            this.updated = now;
        }

        /** Takes one token: 0 when taken, else the nanoseconds until one is there. */
        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * nanosPerPermit);
        }

        synchronized long nanosUntilFullAfterOneMore(long now) {
            refill(now);
            return (long) Math.ceil((capacity - tokens + 1) * nanosPerPermit);
        }

        private void refill(long now) {
            if (now > updated) {
                tokens = Math.min(capacity, tokens + (now - updated) / nanosPerPermit);
                updated = now;
            }
        }
    }
}
