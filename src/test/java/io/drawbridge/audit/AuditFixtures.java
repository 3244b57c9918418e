package io.drawbridge.audit;

import io.drawbridge.Outcome;
import java.time.Instant;
import java.util.List;

/** A typical audit record (a denied, proxied request of an authenticated user), and variations of it. */
final class AuditFixtures {

    static final Instant TIME = Instant.parse("2025-03-04T05:06:07.123456789Z");

    private AuditFixtures() {
    }

    /** Every field set, the optional ones included. */
    static AuditRecord record(String requestId) {
        return new AuditRecord(TIME, requestId, Outcome.DENY, "group-missing", "allow[0]: needs group admins",
                "alice", "corp", "grafana-ui", List.of("eng", "ops"), "grafana", "grafana-policy", "GET",
                "/api/dashboards", "grafana.example.com", 403, "203.0.113.7", "http://grafana:3000", 12, 34, 56,
                "curl/8.5.0", "stale:42s");
    }

    /** The same record with every client-controlled string set to {@code value}. */
    static AuditRecord withClientValue(String value) {
        return new AuditRecord(TIME, "req-1", Outcome.DENY, "path-not-allowed", value, value, "corp", value,
                List.of(value, "eng"), "grafana", "grafana-policy", value, value, value, 403, value,
                "http://grafana:3000", 12, 34, 56, value, null, null, null, null, value);
    }

    /** {@link #record} of a caller with an e-mail. */
    static AuditRecord withEmail(String requestId, String email) {
        AuditRecord r = record(requestId);
        return new AuditRecord(r.time(), r.requestId(), r.decision(), r.reason(), r.detail(), r.subject(), r.issuer(),
                r.clientId(), r.groups(), r.route(), r.policy(), r.method(), r.path(), r.host(), r.status(),
                r.clientIp(), r.upstream(), r.durationMs(), r.bytesIn(), r.bytesOut(), r.userAgent(), r.catalog(),
                r.traceId(), r.instance(), r.target(), email);
    }

    /** Only what every record has: no detail, issuer, client, policy or user agent. */
    static AuditRecord withoutOptionals() {
        return new AuditRecord(TIME, "req-2", Outcome.ERROR, "no-route", null, null, null, null, List.of(),
                null, null, "GET", "/nowhere", "gw.example.com", 404, "203.0.113.7", null, 0, 0, 0, null, null);
    }
}
