package io.drawbridge.access;

import io.drawbridge.Reason;
import io.drawbridge.config.AccessConfig;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Requestable;
import io.drawbridge.policy.RoutePolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The rules of access requests, whatever asks (the JSON API, the pages): a request names a route whose policy
 * takes requests, a duration up to its maximum and, when required, a reason; the requester never approves their
 * own request; an approver is one at the moment of approval (fresh catalog look-up); only a pending request is
 * decided, once. Every change is audited and the grants this replica admits by are read again at once.
 *
 * <p>Blocking (the store, the catalog): call off the event loop. The store's failures pass through as
 * {@link AccessStoreUnavailable} (503); its conflicts become {@link AccessRefused} with their reason.
 */
public final class AccessDesk {

    /** The longest reason kept: a paragraph, not a document. */
    public static final int MAX_REASON = 1000;

    private final AccessStore store;
    private final Function<String, RoutePolicy> policyOf;
    private final Approvers approvers;
    private final AccessConfig config;
    private final AccessEvents events;
    private final BiConsumer<AccessRequest, String> announce;
    private final Runnable grantsChanged;
    private final BiConsumer<String, Duration> decided;
    private final Clock clock;

    /**
     * @param policyOf      the policy of a route by id, {@link RoutePolicy#NONE} for an unknown route
     * @param announce      tells the approvers of a new request, with the link to the approval page (never blocks)
     * @param grantsChanged reads the active grants again (after an approval or a revocation)
     * @param decided       {@code approved} or {@code rejected}, and the time from request to decision (metrics)
     */
    public AccessDesk(AccessStore store, Function<String, RoutePolicy> policyOf, Approvers approvers,
                      AccessConfig config, AccessEvents events, BiConsumer<AccessRequest, String> announce,
                      Runnable grantsChanged, BiConsumer<String, Duration> decided, Clock clock) {
        this.store = store;
        this.policyOf = policyOf;
        this.approvers = approvers;
        this.config = config;
        this.events = events;
        this.announce = announce;
        this.grantsChanged = grantsChanged;
        this.decided = decided;
        this.clock = clock;
    }

    /** The request settings of a route, or {@code null} when its policy takes none. */
    public Requestable requestable(String route) {
        return route == null ? null : policyOf.apply(route).requestable();
    }

    /**
     * Asks for access.
     *
     * @param duration what is asked for, or {@code null} for the policy's default
     * @param origin   the gateway's address as the requester used it ({@code https://gw.example.com}), for the
     *                 approval link when {@code access.baseUrl} is not set
     */
    public AccessRequest submit(Identity who, String route, Duration duration, String reason, String origin) {
        Requestable request = requestable(route);
        if (request == null) {
            throw new AccessRefused(Reason.ACCESS_NOT_REQUESTABLE, "route " + route + " takes no access requests");
        }
        Duration asked = duration == null ? request.defaultDuration() : duration;
        if (asked.isNegative() || asked.isZero()) {
            throw new AccessRefused(Reason.ACCESS_INVALID, "duration must be longer than zero");
        }
        if (asked.compareTo(request.maxDuration()) > 0) {
            throw new AccessRefused(Reason.ACCESS_DURATION_EXCEEDED, "asked " + asked + ", at most "
                    + request.maxDuration());
        }
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        if (why == null && request.reasonRequired()) {
            throw new AccessRefused(Reason.ACCESS_REASON_REQUIRED, "the policy requires a reason");
        }
        if (why != null && why.length() > MAX_REASON) {
            throw new AccessRefused(Reason.ACCESS_INVALID, "reason longer than " + MAX_REASON + " characters");
        }
        Instant now = clock.instant();
        AccessRequest submitted;
        try {
            submitted = store.submit(route, requester(who), asked, why, now, now.plus(config.requestExpiry()),
                    config.maxOpenPerUser());
        } catch (RequestConflict e) {
            throw new AccessRefused(Reason.ACCESS_REQUEST_CONFLICT, "an open request for " + route + " exists");
        } catch (TooManyRequests e) {
            throw new AccessRefused(Reason.ACCESS_TOO_MANY_REQUESTS, "at most " + config.maxOpenPerUser()
                    + " open requests");
        }
        events.requested(who, submitted);
        String base = config.baseUrl() != null ? config.baseUrl().replaceAll("/+$", "") : origin;
        announce.accept(submitted, base + AccessApi.PATH);
        return submitted;
    }

    /**
     * Approves a pending request, for its duration or a shorter one.
     *
     * @param shorter the duration granted, at most the one asked for; {@code null} for the one asked for
     */
    public Grant approve(Identity who, String requestId, Duration shorter) {
        AccessRequest request = decidable(who, requestId);
        Duration granted = shorter == null ? request.duration() : shorter;
        if (granted.isNegative() || granted.isZero()) {
            throw new AccessRefused(Reason.ACCESS_INVALID, "duration must be longer than zero");
        }
        if (granted.compareTo(request.duration()) > 0) {
            throw new AccessRefused(Reason.ACCESS_DURATION_EXCEEDED, "granted " + granted + ", asked "
                    + request.duration());
        }
        Duration max = requestable(request.route()).maxDuration(); // the policy may have changed since
        if (granted.compareTo(max) > 0) {
            throw new AccessRefused(Reason.ACCESS_DURATION_EXCEEDED, "granted " + granted + ", at most " + max);
        }
        Grant grant;
        try {
            grant = store.approve(requestId, who.user(), granted, clock.instant());
        } catch (RequestConflict e) {
            throw new AccessRefused(Reason.ACCESS_REQUEST_CONFLICT, "request " + requestId + " is not pending");
        }
        grantsChanged.run();
        decided.accept("approved", Duration.between(request.createdAt(), clock.instant()));
        events.approved(who, request, grant);
        return grant;
    }

    public AccessRequest reject(Identity who, String requestId) {
        AccessRequest request = decidable(who, requestId);
        AccessRequest rejected;
        try {
            rejected = store.reject(requestId, who.user(), clock.instant());
        } catch (RequestConflict e) {
            throw new AccessRefused(Reason.ACCESS_REQUEST_CONFLICT, "request " + requestId + " is not pending");
        }
        decided.accept("rejected", Duration.between(request.createdAt(), clock.instant()));
        events.rejected(who, rejected);
        return rejected;
    }

    /** The requester takes back their own pending request. */
    public AccessRequest withdraw(Identity who, String requestId) {
        AccessRequest request = store.request(requestId).filter(r -> same(r.requester(), who))
                .orElseThrow(() -> new AccessRefused(Reason.ACCESS_NOT_FOUND, "no request " + requestId
                        + " of this caller"));
        AccessRequest withdrawn;
        try {
            withdrawn = store.withdraw(request.id(), requester(who), clock.instant());
        } catch (RequestConflict e) {
            throw new AccessRefused(Reason.ACCESS_REQUEST_CONFLICT, "request " + requestId + " is not pending");
        }
        events.withdrawn(who, withdrawn);
        return withdrawn;
    }

    /** The holder gives a grant up, or an approver of its route ends it. */
    public Grant revoke(Identity who, String grantId) {
        Grant grant = store.grant(grantId).orElseThrow(() -> new AccessRefused(Reason.ACCESS_NOT_FOUND,
                "no grant " + grantId));
        if (!same(grant.holder(), who)) {
            Requestable request = requestable(grant.route());
            if (request == null || !approvers.caller(who).mayApprove(grant.route(), request)) {
                // neither holder nor approver: as if there were no such grant
                throw new AccessRefused(Reason.ACCESS_NOT_FOUND, "grant " + grantId + " is neither the caller's"
                        + " nor one they may revoke");
            }
        }
        if (grant.revokedAt() != null || !grant.activeAt(clock.instant())) {
            throw new AccessRefused(Reason.ACCESS_REQUEST_CONFLICT, "grant " + grantId + " is not active");
        }
        Grant revoked;
        try {
            revoked = store.revoke(grantId, who.user(), clock.instant());
        } catch (RequestConflict e) {
            throw new AccessRefused(Reason.ACCESS_REQUEST_CONFLICT, "grant " + grantId + " is not active");
        }
        grantsChanged.run();
        events.revoked(who, revoked, store.request(revoked.requestId()).orElse(null));
        return revoked;
    }

    /** The pending requests this caller may decide (never their own), oldest first. */
    public List<AccessRequest> inbox(Identity who) {
        Approvers.Caller caller = approvers.caller(who);
        List<AccessRequest> mine = new ArrayList<>();
        for (AccessRequest request : store.pending(clock.instant())) {
            Requestable settings = requestable(request.route());
            if (!same(request.requester(), who) && settings != null && caller.mayApprove(request.route(), settings)) {
                mine.add(request);
            }
        }
        return mine;
    }

    /** The caller's own requests, as the store lists them. */
    public List<AccessRequest> requestsOf(Identity who) {
        return store.requestsBy(who.issuer(), who.subject());
    }

    /** The caller's grants that admit now. */
    public List<Grant> grantsOf(Identity who) {
        return store.grantsOf(who.issuer(), who.subject(), clock.instant());
    }

    /** The requester's catalog refs now, for the inbox. */
    public List<String> currentGroups(Requester requester) {
        var identity = new Identity(requester.subject(), requester.name(), requester.email(), null,
                requester.issuer(), null, null, null);
        return approvers.currentRefs(identity).stream().sorted().toList();
    }

    public Optional<AccessRequest> request(String id) {
        return store.request(id);
    }

    public Instant now() {
        return clock.instant();
    }

    /** Audits a request the store expired unanswered (the sweeper's callback). */
    public void expired(AccessRequest request) {
        events.expired(request);
    }

    /** A pending request this caller may decide: never their own, and only as an approver right now. */
    private AccessRequest decidable(Identity who, String requestId) {
        AccessRequest request = store.request(requestId).orElseThrow(() -> new AccessRefused(
                Reason.ACCESS_NOT_FOUND, "no request " + requestId));
        if (same(request.requester(), who)) {
            throw new AccessRefused(Reason.ACCESS_SELF_APPROVAL, who.user() + " asked for " + requestId);
        }
        Requestable settings = requestable(request.route());
        if (settings == null) {
            throw new AccessRefused(Reason.ACCESS_NOT_REQUESTABLE, "route " + request.route()
                    + " takes no access requests any more");
        }
        if (!approvers.caller(who).mayApprove(request.route(), settings)) {
            throw new AccessRefused(Reason.ACCESS_NOT_APPROVER, who.user() + " is not an approver of "
                    + request.route() + " now");
        }
        return request;
    }

    static Requester requester(Identity who) {
        return new Requester(who.issuer(), who.subject(), who.user(), who.verifiedEmail());
    }

    static boolean same(Requester requester, Identity who) {
        return Objects.equals(requester.issuer(), who.issuer()) && Objects.equals(requester.subject(), who.subject());
    }
}
