package io.drawbridge.access;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where access requests and grants live, shared by every replica of the gateway. Every state change is a
 * conditional update, so two replicas racing on one request cannot both win. Times are UTC instants, stored to the
 * millisecond. Any method may throw {@link AccessStoreUnavailable} when the database does not answer; none hangs
 * longer than the connection timeout. The store checks states, not permissions: who may approve, and whether a
 * duration is within the policy's maximum, is the caller's to decide before calling.
 */
public interface AccessStore extends AutoCloseable {

    /**
     * A new {@link RequestState#PENDING} request.
     *
     * @throws RequestConflict  if the requester already has an open request for the route
     * @throws TooManyRequests  if the requester already has {@code maxOpenPerUser} open requests
     * @throws IllegalArgumentException for a blank route, a non-positive duration, an expiry not after
     *                          {@code now}, or text longer than the store keeps ({@link JdbcAccessStore#MAX_REASON})
     */
    AccessRequest submit(String route, Requester requester, Duration duration, String reason, Instant now,
            Instant expiresAt, int maxOpenPerUser);

    Optional<AccessRequest> request(String id);

    /** Requests still waiting for an answer at {@code now}, oldest first. */
    List<AccessRequest> pending(Instant now);

    /** Every request of one person, in any state, newest first. */
    List<AccessRequest> requestsBy(String issuer, String subject);

    /**
     * Atomically turns a pending request into {@link RequestState#APPROVED} and a grant from {@code now} for
     * {@code duration} (null: the duration asked for). Of concurrent approvals, on any replicas, exactly one wins.
     *
     * @throws RequestConflict    if it is no longer pending: replayed approval, already decided, withdrawn, expired
     * @throws NoSuchAccessRecord if there is no such request
     */
    Grant approve(String requestId, String approvedBy, Duration duration, Instant now);

    /** Pending → {@link RequestState#REJECTED}; the same conflicts as {@link #approve}. */
    AccessRequest reject(String requestId, String rejectedBy, Instant now);

    /**
     * Pending → {@link RequestState#WITHDRAWN}, by the requester only.
     *
     * @throws NoSuchAccessRecord if there is no such request of {@code requester}'s (someone else's looks missing)
     */
    AccessRequest withdraw(String requestId, Requester requester, Instant now);

    /**
     * Ends a grant at {@code now}.
     *
     * @throws RequestConflict    if it is already revoked or has ended
     * @throws NoSuchAccessRecord if there is no such grant
     */
    Grant revoke(String grantId, String revokedBy, Instant now);

    Optional<Grant> grant(String id);

    /** Grants that admit at {@code now}, on every route. */
    List<Grant> activeGrants(Instant now);

    /** The grants of one person that admit at {@code now}, ending soonest first. */
    List<Grant> grantsOf(String issuer, String subject, Instant now);

    /**
     * Pending requests past their expiry become {@link RequestState#EXPIRED}. Returns exactly those this store
     * object expired (in this call, or since its previous call, when a new request for the same route had to retire
     * an overdue one), so that across replicas each expiry is reported, and audited, once.
     */
    List<AccessRequest> expireUnanswered(Instant now);

    /** Releases the connections; no exception. */
    @Override
    void close();
}
