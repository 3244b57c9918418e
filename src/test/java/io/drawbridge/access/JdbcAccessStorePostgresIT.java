package io.drawbridge.access;

import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.PostgresProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The store's contract on a real PostgreSQL that the test starts (Debian's package, {@link PostgresProcess}), then
 * what replicas sharing one database rely on: a decision made through one store is seen by the other's
 * {@link ActiveGrants} within 5 s, races between them have one winner, each expiry is reported once, and a database
 * that stops answering is a quick {@link AccessStoreUnavailable} and, after maxStaleness, grants that admit nobody.
 */
class JdbcAccessStorePostgresIT extends AccessStoreContract {

    private static final Duration PROPAGATION = Duration.ofSeconds(5);
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresProcess postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresProcess.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    /** Each test its own empty database. */
    private static String freshDatabase() throws Exception {
        return postgres.createDatabase("access_" + DATABASES.incrementAndGet());
    }

    @Override
    AccessStore openStore() {
        try {
            return JdbcAccessStore.open(freshDatabase(), PostgresProcess.USER, PostgresProcess.PASSWORD);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean within(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    @Test
    void anApprovalOnOneReplicaAdmitsOnTheOtherAndARevocationThereDeniesHere() throws Exception {
        String url = freshDatabase();
        try (AccessStore a = JdbcAccessStore.open(url, PostgresProcess.USER, PostgresProcess.PASSWORD);
             AccessStore b = JdbcAccessStore.open(url, PostgresProcess.USER, PostgresProcess.PASSWORD);
             ActiveGrants grantsA = new ActiveGrants(a, ActiveGrants.DEFAULT_REFRESH,
                     ActiveGrants.DEFAULT_MAX_STALENESS, Clock.systemUTC());
             ActiveGrants grantsB = new ActiveGrants(b, ActiveGrants.DEFAULT_REFRESH,
                     ActiveGrants.DEFAULT_MAX_STALENESS, Clock.systemUTC())) {
            grantsA.start();
            grantsB.start();
            List<Grant> endedOnA = new ArrayList<>();
            grantsA.addListener(endedOnA::add);
            Instant now = Instant.now();
            AccessRequest r = a.submit("grafana", BOB, Duration.ofHours(1), "incident", now, now.plusSeconds(3600), 5);

            Grant g = a.approve(r.id(), "alice", null, Instant.now());
            grantsA.refreshNow();

            assertThat(grantsA.find("grafana", BOB.issuer(), BOB.subject())).contains(g);
            assertThat(within(PROPAGATION, () -> grantsB.find("grafana", BOB.issuer(), BOB.subject()).isPresent()))
                    .as("replica B admits within 5 s").isTrue();

            b.revoke(g.id(), "alice", Instant.now());
            grantsB.refreshNow();

            assertThat(grantsB.find("grafana", BOB.issuer(), BOB.subject())).isEmpty();
            assertThat(within(PROPAGATION, () -> grantsA.find("grafana", BOB.issuer(), BOB.subject()).isEmpty()))
                    .as("replica A denies within 5 s").isTrue();
            assertThat(within(PROPAGATION, () -> !endedOnA.isEmpty())).isTrue();
            assertThat(endedOnA.get(0).revokedBy()).isEqualTo("alice");
        }
    }

    @Test
    void concurrentApprovalsOnTwoReplicasMakeExactlyOneGrant() throws Exception {
        String url = freshDatabase();
        try (AccessStore a = JdbcAccessStore.open(url, PostgresProcess.USER, PostgresProcess.PASSWORD);
             AccessStore b = JdbcAccessStore.open(url, PostgresProcess.USER, PostgresProcess.PASSWORD)) {
            for (int i = 0; i < 20; i++) {
                AccessRequest r = a.submit("route-" + i, BOB, Duration.ofHours(1), null, T0, T0.plus(DAY), 50);

                assertThat(racingApprovals(List.of(a, b, a, b), r.id())).as("winners for request %d", i)
                        .isEqualTo(1);
            }
            assertThat(b.activeGrants(T0.plusSeconds(1))).hasSize(20);
        }
    }

    @Test
    void eachExpiryIsReportedByExactlyOneReplica() throws Exception {
        String url = freshDatabase();
        try (AccessStore a = JdbcAccessStore.open(url, PostgresProcess.USER, PostgresProcess.PASSWORD);
             AccessStore b = JdbcAccessStore.open(url, PostgresProcess.USER, PostgresProcess.PASSWORD)) {
            Set<String> made = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                made.add(a.submit("route-" + i, BOB, Duration.ofHours(1), null, T0, T0.plusSeconds(60), 50).id());
            }
            Instant later = T0.plusSeconds(61);

            var byA = CompletableFuture.supplyAsync(() -> a.expireUnanswered(later));
            var byB = CompletableFuture.supplyAsync(() -> b.expireUnanswered(later));
            List<String> reported = new ArrayList<>();
            byA.get().forEach(r -> reported.add(r.id()));
            byB.get().forEach(r -> reported.add(r.id()));

            assertThat(reported).doesNotHaveDuplicates();
            assertThat(new HashSet<>(reported)).isEqualTo(made);
            assertThat(a.expireUnanswered(later)).isEmpty();
            assertThat(b.expireUnanswered(later)).isEmpty();
        }
    }

    @Test
    void replicasStartingTogetherMigrateOnceAndBesideOtherTables() throws Exception {
        String url = freshDatabase();
        try (Connection c = DriverManager.getConnection(url, PostgresProcess.USER, PostgresProcess.PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE someone_elses (id INT)"); // a schema that is not empty
        }
        var first = CompletableFuture.supplyAsync(() ->
                JdbcAccessStore.open(url, PostgresProcess.USER, PostgresProcess.PASSWORD));
        var second = CompletableFuture.supplyAsync(() ->
                JdbcAccessStore.open(url, PostgresProcess.USER, PostgresProcess.PASSWORD));
        try (AccessStore a = first.get(); AccessStore b = second.get()) {
            AccessRequest r = a.submit("grafana", BOB, Duration.ofHours(1), null, T0, T0.plus(DAY), 5);
            assertThat(b.request(r.id())).contains(r);
        }
    }

    @Test
    void aWrongPasswordIsUnavailableWithoutNamingThePassword() {
        String url = postgres.jdbcUrl("postgres");

        assertThatThrownBy(() -> JdbcAccessStore.open(url, PostgresProcess.USER, "not-the-password-42"))
                .isInstanceOf(AccessStoreUnavailable.class)
                .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain("not-the-password-42"));
    }

    @Test
    void nothingListeningIsUnavailableQuicklyNotAHang() {
        String url = "jdbc:postgresql://127.0.0.1:" + GatewayProcess.freePort() + "/access";

        assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                assertThatThrownBy(() -> JdbcAccessStore.open(url, PostgresProcess.USER, PostgresProcess.PASSWORD))
                        .isInstanceOf(AccessStoreUnavailable.class));
    }

    @Test
    void aStoppedDatabaseIsUnavailableAndGrantsFailClosedAfterMaxStalenessThenRecover() throws Exception {
        try (PostgresProcess own = PostgresProcess.start()) {
            Duration maxStaleness = Duration.ofSeconds(3);
            try (AccessStore store = JdbcAccessStore.open(own.jdbcUrl("postgres"), PostgresProcess.USER,
                    PostgresProcess.PASSWORD);
                 ActiveGrants grants = new ActiveGrants(store, Duration.ofMillis(200), maxStaleness,
                         Clock.systemUTC())) {
                Instant now = Instant.now();
                AccessRequest r = store.submit("grafana", BOB, Duration.ofHours(1), null, now, now.plus(DAY), 5);
                Grant g = store.approve(r.id(), "alice", null, now);
                grants.start();
                assertThat(grants.find("grafana", BOB.issuer(), BOB.subject())).contains(g);

                own.stop();

                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                    assertThatThrownBy(() -> store.pending(Instant.now())).isInstanceOf(AccessStoreUnavailable.class);
                    assertThatThrownBy(() -> store.submit("kibana", BOB, Duration.ofHours(1), null, Instant.now(),
                            Instant.now().plus(DAY), 5)).isInstanceOf(AccessStoreUnavailable.class);
                });
                assertThat(within(Duration.ofSeconds(15), () -> !grants.healthy())).as("stale after 3 s").isTrue();
                assertThat(grants.find("grafana", BOB.issuer(), BOB.subject())).isEmpty();

                own.startAgain();

                assertThat(within(Duration.ofSeconds(15), grants::healthy)).as("healthy once it answers").isTrue();
                assertThat(grants.find("grafana", BOB.issuer(), BOB.subject())).contains(g);
                Optional<AccessRequest> again = Optional.of(store.submit("kibana", BOB, Duration.ofHours(1), null,
                        Instant.now(), Instant.now().plus(DAY), 5));
                assertThat(again.get().state()).isEqualTo(RequestState.PENDING);
            }
        }
    }
}
