package io.drawbridge.access;

/** The requester already has as many open requests as {@code maxOpenPerUser} allows: answered with 429. */
public final class TooManyRequests extends RuntimeException {

    private final int limit;

    public TooManyRequests(int limit) {
        this("at most " + limit + " open access requests per user", limit);
    }

    /** A refusal whose limit is not known here ({@link #limit} is -1). */
    public TooManyRequests(String detail) {
        this(detail, -1);
    }

    private TooManyRequests(String detail, int limit) {
        super(detail, null, false, false);
        this.limit = limit;
    }

    /** The limit that was reached, or -1. */
    public int limit() {
        return limit;
    }
}
