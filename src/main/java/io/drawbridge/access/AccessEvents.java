package io.drawbridge.access;

import io.drawbridge.Outcome;
import io.drawbridge.Reason;
import io.drawbridge.audit.AuditRecord;
import io.drawbridge.audit.AuditSink;
import io.drawbridge.identity.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes what happens to access requests to the audit sink, one record each: {@code access-requested},
 * {@code -approved}, {@code -rejected}, {@code -expired}, {@code -revoked}, {@code -withdrawn}. The record's
 * subject is who acted (for an expiry, nobody), its route the route asked for, and its {@code access} object the
 * request id, requester, duration, reason and approver. The reason is the requester's own text: kept as data, and
 * escaped by the serializer like every client-chosen value.
 */
public final class AccessEvents {

    private final AuditSink audit;

    public AccessEvents(AuditSink audit) {
        this.audit = audit;
    }

    public void requested(Identity who, AccessRequest request) {
        write(Reason.ACCESS_REQUESTED, who, request, request.duration(), null, null);
    }

    public void approved(Identity who, AccessRequest request, Grant grant) {
        write(Reason.ACCESS_APPROVED, who, request, Duration.between(grant.startsAt(), grant.endsAt()),
                who.user(), grant.id());
    }

    public void rejected(Identity who, AccessRequest request) {
        write(Reason.ACCESS_REJECTED, who, request, request.duration(), who.user(), null);
    }

    public void withdrawn(Identity who, AccessRequest request) {
        write(Reason.ACCESS_WITHDRAWN, who, request, request.duration(), null, null);
    }

    public void expired(AccessRequest request) {
        write(Reason.ACCESS_EXPIRED, null, request, request.duration(), null, null);
    }

    /** @param request the grant's request, or {@code null} when it cannot be read */
    public void revoked(Identity who, Grant grant, AccessRequest request) {
        var event = new AuditRecord.Access(grant.requestId(), grant.holder().name(),
                Duration.between(grant.startsAt(), grant.endsAt()).toString(),
                request == null ? null : request.reason(), grant.approvedBy(), grant.id());
        audit.accept(record(Reason.ACCESS_REVOKED, who, grant.route(), "grant " + grant.id() + " revoked by "
                + who.user()).withAccess(event));
    }

    private void write(Reason what, Identity who, AccessRequest request, Duration duration, String approver,
                       String grant) {
        var event = new AuditRecord.Access(request.id(), request.requester().name(),
                duration == null ? null : duration.toString(), request.reason(), approver, grant);
        audit.accept(record(what, who, request.route(), null).withAccess(event));
    }

    private static AuditRecord record(Reason what, Identity who, String route, String detail) {
        return new AuditRecord(Instant.now(), "access-" + Long.toHexString(ThreadLocalRandom.current().nextLong()),
                what == Reason.ACCESS_REJECTED ? Outcome.DENY : Outcome.ALLOW, what.code(), detail,
                who == null ? null : who.user(), who == null ? null : who.issuer(),
                who == null ? null : who.clientId(), who == null ? List.of() : List.copyOf(who.groups()), route,
                null, "-", "-", "", 0, null, null, 0, 0, 0, null, null, null, null, null,
                who == null ? null : who.verifiedEmail());
    }
}
