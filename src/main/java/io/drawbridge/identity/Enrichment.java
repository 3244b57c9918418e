package io.drawbridge.identity;

/**
 * An identity as a role source enriched it, and how the answer was obtained.
 *
 * @param identity the caller with the source's groups added
 * @param lookup   for the audit record: {@code fresh} (looked up for this request), {@code cached} (within the TTL),
 *                 {@code stale:<seconds>s} (last-known-good while the catalog is down or slow, with its age) or
 *                 {@code not-in-catalog} (no User entity: only the token's groups)
 */
public record Enrichment(Identity identity, String lookup) {

    public static final String FRESH = "fresh";
    public static final String CACHED = "cached";
    public static final String NOT_IN_CATALOG = "not-in-catalog";
    /** Not a lookup of a result: what the audit record says when enrichment failed for want of a catalog. */
    public static final String UNAVAILABLE = "unavailable";

    public static String stale(long ageSeconds) {
        return "stale:" + ageSeconds + "s";
    }
}
