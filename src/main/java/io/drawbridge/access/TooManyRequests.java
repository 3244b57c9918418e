package io.drawbridge.access;

/** The requester already has as many open requests as {@code maxOpenPerUser} allows: answered with 429. */
public final class TooManyRequests extends RuntimeException {

    private final int limit;

    public TooManyRequests(int limit) {
        super("at most " + limit + " open access requests per user", null, false, false);
        this.limit = limit;
    }

    /** The limit that was reached. */
    public int limit() {
        return limit;
    }
}
