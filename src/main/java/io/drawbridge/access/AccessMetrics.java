package io.drawbridge.access;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The access requests' metrics: open requests and active grants (read when scraped, from memory), whether the
 * grants are fresh, and the time from request to decision as a histogram ({@code drawbridge_access_decision_seconds}
 * in Prometheus), recorded by whoever approves or rejects through {@link #decided}.
 */
public final class AccessMetrics {

    /** Buckets for people answering: from a minute to a day. */
    private static final Duration[] DECISION_BUCKETS = {
        Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30),
        Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8), Duration.ofHours(24)};

    private final MeterRegistry registry;
    private final Map<String, Timer> decisions = new ConcurrentHashMap<>();

    public AccessMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Gauges of the grants this replica admits with and how fresh they are. */
    public void watch(ActiveGrants grants) {
        Gauge.builder("drawbridge.access.grants.active", grants, ActiveGrants::size)
                .description("Grants that admit now, as this replica last read them").register(registry);
        Gauge.builder("drawbridge.access.grants.healthy", grants, g -> g.healthy() ? 1 : 0)
                .description("1 while the grants read are within access.maxStaleness; 0: grants admit nobody")
                .register(registry);
        Gauge.builder("drawbridge.access.grants.staleness", grants, ActiveGrants::stalenessSeconds)
                .baseUnit("seconds").description("Time since the grants were last read from the access store")
                .register(registry);
    }

    /** The gauge of requests waiting for an answer, as the expiry sweep last counted them. */
    public void watch(UnansweredRequests requests) {
        Gauge.builder("drawbridge.access.requests.open", requests, UnansweredRequests::open)
                .description("Access requests waiting for an answer").register(registry);
    }

    /**
     * Records how long a request waited for its answer. Call it with the request as the store returned it after an
     * approval or rejection (its {@code decidedAt} set); other states are not decisions and are ignored.
     */
    public void decided(AccessRequest request) {
        if (request.decidedAt() == null
                || (request.state() != RequestState.APPROVED && request.state() != RequestState.REJECTED)) {
            return;
        }
        record(request.state() == RequestState.APPROVED ? "approved" : "rejected", request.createdAt(),
                request.decidedAt());
    }

    /** Records an approval: from the request's creation (as read before approving) to the grant's start. */
    public void approved(AccessRequest request, Grant grant) {
        record("approved", request.createdAt(), grant.startsAt());
    }

    /**
     * Records how long a request waited for its answer.
     *
     * @param outcome {@code approved} or {@code rejected} (anything else is ignored: the tag stays bounded)
     */
    public void decided(String outcome, Duration waited) {
        if (!outcome.equals("approved") && !outcome.equals("rejected")) {
            return;
        }
        decisions.computeIfAbsent(outcome, o -> Timer.builder("drawbridge.access.decision")
                .description("Time from an access request to its approval or rejection")
                .tags("outcome", o).serviceLevelObjectives(DECISION_BUCKETS).register(registry))
                .record(waited.isNegative() ? Duration.ZERO : waited);
    }

    private void record(String outcome, Instant from, Instant to) {
        decided(outcome, Duration.between(from, to));
    }
}
