package io.drawbridge.access;

/**
 * The operation does not fit the request's or grant's current state: a second open request for the same route, an
 * approval of a request that is no longer pending (replayed, already decided, withdrawn, expired), a revocation of
 * a grant already revoked or ended. Answered with 409. {@link NoSuchAccessRecord} is the case of an unknown id.
 */
public class RequestConflict extends RuntimeException {

    public RequestConflict(String detail) {
        super(detail, null, false, false); // a refusal, not a fault
    }
}
