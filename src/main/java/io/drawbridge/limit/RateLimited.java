package io.drawbridge.limit;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;

/** A caller used a route more often than its policy's limit allows: 429, with when to try again. */
public final class RateLimited extends RuntimeException implements Reasoned {

    private final long retryAfterSeconds;

    public RateLimited(String detail, long retryAfterSeconds) {
        super(detail, null, false, false); // a refusal, not a fault: no stack trace to fill on a hot path
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public Reason reason() {
        return Reason.RATE_LIMITED;
    }

    /** Whole seconds until the caller's next request would be let through (at least 1). */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
