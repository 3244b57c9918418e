package io.drawbridge.access;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The access meters as Prometheus scrapes them. */
class AccessMetricsTest {

    private static final Requester BOB = new Requester("keycloak", "bob-sub", "bob", null);
    private static final Instant T0 = Instant.parse("2026-12-08T10:00:00Z");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AccessMetrics metrics = new AccessMetrics(registry);

    private static AccessRequest request(RequestState state, Instant decidedAt) {
        return new AccessRequest("r", "grafana", BOB, Duration.ofHours(1), null, state, T0, T0.plusSeconds(86400),
                "alice", decidedAt);
    }

    @Test
    void decisionsAreAHistogramOfSecondsByOutcome() {
        metrics.decided(request(RequestState.REJECTED, T0.plusSeconds(120)));
        Grant grant = new Grant("g", "r", "grafana", BOB, T0.plusSeconds(600), T0.plusSeconds(4200), "alice", null,
                null);
        metrics.approved(request(RequestState.PENDING, null), grant);

        String scrape = registry.scrape();

        assertThat(scrape).contains("drawbridge_access_decision_seconds_count{outcome=\"rejected\"} 1")
                .contains("drawbridge_access_decision_seconds_sum{outcome=\"rejected\"} 120.0")
                .contains("drawbridge_access_decision_seconds_sum{outcome=\"approved\"} 600.0")
                .contains("drawbridge_access_decision_seconds_bucket{outcome=\"rejected\",le=\"300.0\"} 1")
                .contains("drawbridge_access_decision_seconds_bucket{outcome=\"approved\",le=\"300.0\"} 0");
    }

    @Test
    void aWaitCanBeRecordedByOutcomeAndUnknownOutcomesAreIgnored() {
        metrics.decided("approved", Duration.ofMinutes(3));
        metrics.decided("anything-a-caller-made-up", Duration.ofMinutes(3));

        assertThat(registry.scrape()).contains("drawbridge_access_decision_seconds_sum{outcome=\"approved\"} 180.0")
                .doesNotContain("anything-a-caller-made-up");
    }

    @Test
    void expiriesAndWithdrawalsAreNotDecisions() {
        metrics.decided(request(RequestState.EXPIRED, T0.plusSeconds(86400)));
        metrics.decided(request(RequestState.WITHDRAWN, T0.plusSeconds(5)));
        metrics.decided(request(RequestState.PENDING, null));

        assertThat(registry.scrape()).doesNotContain("drawbridge_access_decision");
    }

    @Test
    void gaugesReadGrantsAndOpenRequestsWhenScraped() {
        TestClock clock = new TestClock();
        try (AccessStore store = JdbcAccessStore.open("jdbc:h2:mem:" + AccessIds.random() + ";DB_CLOSE_DELAY=-1",
                "sa", "")) {
            ActiveGrants grants = new ActiveGrants(store, Duration.ofSeconds(1), Duration.ofSeconds(30), clock);
            UnansweredRequests sweep = new UnansweredRequests(store, Duration.ofSeconds(10), clock, r -> { });
            metrics.watch(grants);
            metrics.watch(sweep);
            AccessRequest r = store.submit("grafana", BOB, Duration.ofHours(1), null, clock.instant(),
                    clock.instant().plusSeconds(600), 5);
            store.submit("kibana", BOB, Duration.ofHours(1), null, clock.instant(), clock.instant().plusSeconds(600),
                    5);
            store.approve(r.id(), "alice", null, clock.instant());
            grants.refreshNow();
            sweep.sweepNow();

            String scrape = registry.scrape();

            assertThat(scrape).contains("drawbridge_access_grants_active 1.0")
                    .contains("drawbridge_access_requests_open 1.0")
                    .contains("drawbridge_access_grants_healthy 1.0")
                    .contains("drawbridge_access_grants_staleness_seconds 0.0");
        }
    }
}
