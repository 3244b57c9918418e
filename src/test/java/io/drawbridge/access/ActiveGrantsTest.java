package io.drawbridge.access;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorize step's view of grants, on an in-memory H2 store and a clock the test moves: what a refresh
 * brings in and takes out, that ends are checked at every look-up, and failing closed once the last read is older
 * than maxStaleness.
 */
class ActiveGrantsTest {

    private static final Requester BOB = new Requester("keycloak", "bob-sub", "bob", null);
    private static final Duration STALE = Duration.ofSeconds(30);

    private final TestClock clock = new TestClock();
    private final List<Grant> told = new CopyOnWriteArrayList<>();
    private SwitchableStore store;
    private ActiveGrants grants;

    @BeforeEach
    void open() {
        store = new SwitchableStore(JdbcAccessStore.open("jdbc:h2:mem:" + AccessIds.random() + ";DB_CLOSE_DELAY=-1",
                "sa", ""));
        grants = new ActiveGrants(store, Duration.ofSeconds(1), STALE, clock);
        grants.addListener(told::add);
    }

    @AfterEach
    void close() {
        grants.close();
        store.close();
    }

    private Grant approved(String route, Duration duration) {
        Instant now = clock.instant();
        AccessRequest r = store.submit(route, BOB, Duration.ofHours(1), null, now, now.plus(Duration.ofDays(1)), 9);
        return store.approve(r.id(), "alice", duration, now);
    }

    @Test
    void admitsNothingBeforeItsFirstRead() {
        approved("grafana", null);

        assertThat(grants.healthy()).isFalse();
        assertThat(grants.problem()).contains("not read");
        assertThat(grants.find("grafana", BOB.issuer(), BOB.subject())).isEmpty();
    }

    @Test
    void aRefreshBringsInAGrantForItsHolderAndRouteOnly() {
        grants.refreshNow();
        Grant g = approved("grafana", null);
        assertThat(grants.find("grafana", BOB.issuer(), BOB.subject())).isEmpty(); // not read yet

        grants.refreshNow();

        assertThat(grants.find("grafana", BOB.issuer(), BOB.subject())).contains(g);
        assertThat(grants.find("kibana", BOB.issuer(), BOB.subject())).isEmpty();
        assertThat(grants.find("grafana", BOB.issuer(), "carol-sub")).isEmpty();
        assertThat(grants.find("grafana", "github", BOB.subject())).isEmpty();
        assertThat(grants.healthy()).isTrue();
        assertThat(grants.size()).isEqualTo(1);
    }

    @Test
    void aGrantStopsAdmittingTheMomentItEndsWithoutARefresh() {
        Grant g = approved("grafana", Duration.ofMinutes(10));
        grants.refreshNow();
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        grants.refreshNow();
        assertThat(grants.find("grafana", BOB.issuer(), BOB.subject())).contains(g);

        clock.advance(Duration.ofMillis(1));

        assertThat(grants.find("grafana", BOB.issuer(), BOB.subject())).isEmpty();
    }

    @Test
    void listenersAreToldOnceOfAGrantThatEnded() {
        Grant g = approved("grafana", Duration.ofMinutes(10));
        grants.refreshNow();
        clock.advance(Duration.ofMinutes(11));

        grants.refreshNow();
        grants.refreshNow();

        assertThat(told).containsExactly(g);
    }

    @Test
    void aRevocationIsGoneAfterTheNextRefreshAndListenersSeeWhoRevokedIt() {
        Grant g = approved("grafana", null);
        grants.refreshNow();
        clock.advance(Duration.ofSeconds(5));
        store.revoke(g.id(), "alice", clock.instant());

        grants.refreshNow();

        assertThat(grants.find("grafana", BOB.issuer(), BOB.subject())).isEmpty();
        assertThat(told).hasSize(1);
        assertThat(told.get(0).id()).isEqualTo(g.id());
        assertThat(told.get(0).revokedBy()).isEqualTo("alice");
        assertThat(told.get(0).revokedAt()).isEqualTo(clock.instant());
    }

    @Test
    void ofTwoGrantsForOneRouteTheLaterEndingOneIsFound() {
        Grant shorter = approved("grafana", Duration.ofMinutes(5));
        Grant longer = approved("grafana", Duration.ofMinutes(50));
        grants.refreshNow();

        assertThat(grants.find("grafana", BOB.issuer(), BOB.subject())).contains(longer);
        assertThat(shorter.endsAt()).isBefore(longer.endsAt());
    }

    @Test
    void keepsAdmittingWithTheLastReadUntilMaxStalenessThenFailsClosed() {
        Grant g = approved("grafana", Duration.ofHours(1));
        grants.refreshNow();
        store.down(true);

        clock.advance(STALE);
        grants.refreshNow();
        assertThat(grants.find("grafana", BOB.issuer(), BOB.subject())).contains(g);
        assertThat(grants.healthy()).isTrue();

        clock.advance(Duration.ofSeconds(1));
        grants.refreshNow();
        assertThat(grants.find("grafana", BOB.issuer(), BOB.subject())).isEmpty();
        assertThat(grants.healthy()).isFalse();
        assertThat(grants.stalenessSeconds()).isEqualTo(31);
        assertThat(grants.problem()).contains("31s ago");

        store.down(false);
        grants.refreshNow();
        assertThat(grants.find("grafana", BOB.issuer(), BOB.subject())).contains(g);
        assertThat(grants.healthy()).isTrue();
        assertThat(grants.problem()).isNull();
        assertThat(told).isEmpty();
    }

    @Test
    void whileTheStoreIsDownGrantsStillEndAndListenersAreTold() {
        Grant g = approved("grafana", Duration.ofSeconds(10));
        grants.refreshNow();
        store.down(true);
        clock.advance(Duration.ofSeconds(11));

        grants.refreshNow();

        assertThat(told).containsExactly(g);
        assertThat(grants.size()).isZero();
    }

    @Test
    void theBackgroundThreadPicksUpNewGrants() throws InterruptedException {
        ActiveGrants quick = new ActiveGrants(store, Duration.ofMillis(50), STALE, clock);
        try {
            quick.start();
            Grant g = approved("grafana", null);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (quick.find("grafana", BOB.issuer(), BOB.subject()).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(quick.find("grafana", BOB.issuer(), BOB.subject())).contains(g);
        } finally {
            quick.close();
        }
    }
}
