package io.drawbridge.access;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link AccessStore} must do, run against H2 ({@link JdbcAccessStoreTest}) and a real PostgreSQL
 * ({@link JdbcAccessStorePostgresIT}). Times are fixed instants: the store never reads a clock of its own.
 */
abstract class AccessStoreContract {

    static final Instant T0 = Instant.parse("2026-12-08T10:00:00Z");
    static final Duration DAY = Duration.ofHours(24);
    static final Requester BOB = new Requester("keycloak", "bob-sub", "user:default/bob", "bob@example.com");
    static final Requester CAROL = new Requester("keycloak", "carol-sub", "Carol", null);

    AccessStore store;

    /** A fresh, empty store. */
    abstract AccessStore openStore();

    @BeforeEach
    void open() {
        store = openStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    AccessRequest ask(Requester who, String route) {
        return store.submit(route, who, Duration.ofHours(1), "on call tonight", T0, T0.plus(DAY), 5);
    }

    @Test
    void submittedRequestIsPendingAndReadsBackEqual() {
        AccessRequest r = ask(BOB, "grafana");

        assertThat(r.state()).isEqualTo(RequestState.PENDING);
        assertThat(r.route()).isEqualTo("grafana");
        assertThat(r.requester()).isEqualTo(BOB);
        assertThat(r.duration()).isEqualTo(Duration.ofHours(1));
        assertThat(r.createdAt()).isEqualTo(T0);
        assertThat(r.expiresAt()).isEqualTo(T0.plus(DAY));
        assertThat(r.decidedBy()).isNull();
        assertThat(r.decidedAt()).isNull();
        assertThat(store.request(r.id())).contains(r);
    }

    @Test
    void idsAreLongRandomAndUrlSafe() {
        AccessRequest a = ask(BOB, "grafana");
        AccessRequest b = ask(BOB, "kibana");
        Grant g = store.approve(a.id(), "alice", null, T0.plusSeconds(1));

        for (String id : List.of(a.id(), b.id(), g.id())) {
            assertThat(id).matches("[0-9a-f]{32}"); // 128 bits
        }
        assertThat(List.of(a.id(), b.id(), g.id())).doesNotHaveDuplicates();
    }

    @Test
    void keepsHostileReasonTextVerbatim() {
        String reason = "<script>alert('x')</script> \"; DROP TABLE access_request; -- ünïcødé ✓ 😀";
        AccessRequest r = store.submit("grafana", BOB, Duration.ofHours(1), reason, T0, T0.plus(DAY), 5);

        assertThat(store.request(r.id()).orElseThrow().reason()).isEqualTo(reason);
        assertThat(store.pending(T0)).hasSize(1);
    }

    @Test
    void reasonMayBeAbsent() {
        AccessRequest r = store.submit("grafana", BOB, Duration.ofHours(1), null, T0, T0.plus(DAY), 5);

        assertThat(store.request(r.id()).orElseThrow().reason()).isNull();
    }

    @Test
    void refusesWhatItCannotKeep() {
        assertThatThrownBy(() -> store.submit("grafana", BOB, Duration.ofHours(1),
                "x".repeat(JdbcAccessStore.MAX_REASON + 1), T0, T0.plus(DAY), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("xxx");
        assertThatThrownBy(() -> store.submit("grafana", BOB, Duration.ZERO, null, T0, T0.plus(DAY), 5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.submit("grafana", BOB, Duration.ofHours(1), null, T0, T0, 5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.submit(" ", BOB, Duration.ofHours(1), null, T0, T0.plus(DAY), 5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.submit("grafana", BOB, Duration.ofHours(1), "a\0b", T0, T0.plus(DAY), 5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.pending(T0)).isEmpty();
    }

    @Test
    void oneOpenRequestPerPersonAndRoute() {
        ask(BOB, "grafana");

        assertThatThrownBy(() -> ask(BOB, "grafana")).isInstanceOf(RequestConflict.class)
                .isNotInstanceOf(NoSuchAccessRecord.class);
        assertThat(ask(CAROL, "grafana").state()).isEqualTo(RequestState.PENDING);
        assertThat(ask(BOB, "kibana").state()).isEqualTo(RequestState.PENDING);
    }

    @Test
    void theSameSubjectFromAnotherIssuerIsSomeoneElse() {
        ask(BOB, "grafana");
        Requester other = new Requester("github", BOB.subject(), null, null);

        assertThat(ask(other, "grafana").state()).isEqualTo(RequestState.PENDING);
        assertThat(store.requestsBy("keycloak", BOB.subject())).hasSize(1);
        assertThat(store.requestsBy("github", BOB.subject())).hasSize(1);
    }

    @Test
    void atMostMaxOpenRequestsPerPerson() {
        store.submit("a", BOB, Duration.ofHours(1), null, T0, T0.plus(DAY), 2);
        store.submit("b", BOB, Duration.ofHours(1), null, T0, T0.plus(DAY), 2);

        assertThatThrownBy(() -> store.submit("c", BOB, Duration.ofHours(1), null, T0, T0.plus(DAY), 2))
                .isInstanceOf(TooManyRequests.class);
        assertThat(store.submit("c", CAROL, Duration.ofHours(1), null, T0, T0.plus(DAY), 2).state())
                .isEqualTo(RequestState.PENDING);
    }

    @Test
    void aDecidedRequestFreesItsRoute() {
        AccessRequest first = ask(BOB, "grafana");
        store.reject(first.id(), "alice", T0.plusSeconds(5));

        AccessRequest second = ask(BOB, "grafana");

        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(store.requestsBy(BOB.issuer(), BOB.subject())).extracting(AccessRequest::state)
                .containsExactlyInAnyOrder(RequestState.PENDING, RequestState.REJECTED);
    }

    @Test
    void approvalMakesTheRequestApprovedAndAGrantForTheAskedDuration() {
        AccessRequest r = ask(BOB, "grafana");
        Instant at = T0.plusSeconds(60);

        Grant g = store.approve(r.id(), "user:default/alice", null, at);

        assertThat(g.requestId()).isEqualTo(r.id());
        assertThat(g.route()).isEqualTo("grafana");
        assertThat(g.holder()).isEqualTo(BOB);
        assertThat(g.startsAt()).isEqualTo(at);
        assertThat(g.endsAt()).isEqualTo(at.plus(Duration.ofHours(1)));
        assertThat(g.approvedBy()).isEqualTo("user:default/alice");
        assertThat(g.revokedAt()).isNull();
        assertThat(store.grant(g.id())).contains(g);
        AccessRequest decided = store.request(r.id()).orElseThrow();
        assertThat(decided.state()).isEqualTo(RequestState.APPROVED);
        assertThat(decided.decidedBy()).isEqualTo("user:default/alice");
        assertThat(decided.decidedAt()).isEqualTo(at);
        assertThat(store.pending(at)).isEmpty();
    }

    @Test
    void approverMayShortenTheDuration() {
        AccessRequest r = ask(BOB, "grafana");

        Grant g = store.approve(r.id(), "alice", Duration.ofMinutes(10), T0);

        assertThat(g.endsAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    }

    @Test
    void replayedApprovalConflicts() {
        AccessRequest r = ask(BOB, "grafana");
        store.approve(r.id(), "alice", null, T0);

        assertThatThrownBy(() -> store.approve(r.id(), "alice", null, T0.plusSeconds(1)))
                .isInstanceOf(RequestConflict.class).hasMessageContaining("APPROVED");
        assertThat(store.activeGrants(T0.plusSeconds(1))).hasSize(1);
    }

    @Test
    void rejectedWithdrawnAndExpiredRequestsCannotBeApproved() {
        AccessRequest rejected = ask(BOB, "a");
        store.reject(rejected.id(), "alice", T0);
        AccessRequest withdrawn = ask(BOB, "b");
        store.withdraw(withdrawn.id(), BOB, T0);
        AccessRequest overdue = store.submit("c", BOB, Duration.ofHours(1), null, T0, T0.plusSeconds(10), 5);
        Instant later = T0.plusSeconds(10); // expiry reached, not yet swept

        for (AccessRequest r : List.of(rejected, withdrawn, overdue)) {
            assertThatThrownBy(() -> store.approve(r.id(), "alice", null, later))
                    .isInstanceOf(RequestConflict.class);
            assertThatThrownBy(() -> store.reject(r.id(), "alice", later)).isInstanceOf(RequestConflict.class);
        }
        assertThat(store.activeGrants(later)).isEmpty();
    }

    @Test
    void unknownIdsAreNoSuchRecord() {
        assertThat(store.request("0".repeat(32))).isEmpty();
        assertThat(store.grant("0".repeat(32))).isEmpty();
        assertThatThrownBy(() -> store.approve("0".repeat(32), "alice", null, T0))
                .isInstanceOf(NoSuchAccessRecord.class);
        assertThatThrownBy(() -> store.reject("nope", "alice", T0)).isInstanceOf(NoSuchAccessRecord.class);
        assertThatThrownBy(() -> store.revoke("nope", "alice", T0)).isInstanceOf(NoSuchAccessRecord.class);
    }

    @Test
    void onlyTheRequesterWithdraws() {
        AccessRequest r = ask(BOB, "grafana");

        assertThatThrownBy(() -> store.withdraw(r.id(), CAROL, T0)).isInstanceOf(NoSuchAccessRecord.class);
        assertThatThrownBy(() -> store.withdraw(r.id(), new Requester("github", BOB.subject(), null, null), T0))
                .isInstanceOf(NoSuchAccessRecord.class);
        AccessRequest withdrawn = store.withdraw(r.id(), BOB, T0.plusSeconds(3));

        assertThat(withdrawn.state()).isEqualTo(RequestState.WITHDRAWN);
        assertThat(withdrawn.decidedBy()).isEqualTo(BOB.name());
        assertThat(withdrawn.decidedAt()).isEqualTo(T0.plusSeconds(3));
        assertThatThrownBy(() -> store.withdraw(r.id(), BOB, T0.plusSeconds(4))).isInstanceOf(RequestConflict.class);
    }

    @Test
    void aGrantAdmitsUntilItEnds() {
        Grant g = store.approve(ask(BOB, "grafana").id(), "alice", Duration.ofMinutes(30), T0);

        assertThat(g.activeAt(T0)).isTrue();
        assertThat(g.activeAt(T0.minusMillis(1))).isFalse();
        assertThat(g.activeAt(T0.plus(Duration.ofMinutes(30)).minusMillis(1))).isTrue();
        assertThat(g.activeAt(T0.plus(Duration.ofMinutes(30)))).isFalse();
        assertThat(store.activeGrants(T0.plusSeconds(60))).containsExactly(g);
        assertThat(store.activeGrants(T0.plus(Duration.ofMinutes(30)))).isEmpty();
        assertThat(store.grantsOf(BOB.issuer(), BOB.subject(), T0.plusSeconds(60))).containsExactly(g);
        assertThat(store.grantsOf(CAROL.issuer(), CAROL.subject(), T0.plusSeconds(60))).isEmpty();
        assertThat(store.grantsOf(BOB.issuer(), BOB.subject(), T0.plus(Duration.ofHours(1)))).isEmpty();
    }

    @Test
    void revocationEndsAGrantOnce() {
        Grant g = store.approve(ask(BOB, "grafana").id(), "alice", null, T0);
        Instant at = T0.plusSeconds(90);

        Grant revoked = store.revoke(g.id(), "alice", at);

        assertThat(revoked.revokedAt()).isEqualTo(at);
        assertThat(revoked.revokedBy()).isEqualTo("alice");
        assertThat(revoked.activeAt(at)).isFalse();
        assertThat(store.activeGrants(at)).isEmpty();
        assertThat(store.grantsOf(BOB.issuer(), BOB.subject(), at)).isEmpty();
        assertThatThrownBy(() -> store.revoke(g.id(), "alice", at)).isInstanceOf(RequestConflict.class)
                .hasMessageContaining("revoked");
    }

    @Test
    void anEndedGrantCannotBeRevoked() {
        Grant g = store.approve(ask(BOB, "grafana").id(), "alice", Duration.ofMinutes(1), T0);

        assertThatThrownBy(() -> store.revoke(g.id(), "alice", T0.plus(Duration.ofMinutes(2))))
                .isInstanceOf(RequestConflict.class).hasMessageContaining("ended");
    }

    @Test
    void pendingListsOpenRequestsOldestFirst() {
        AccessRequest first = ask(BOB, "a");
        AccessRequest second = store.submit("b", BOB, Duration.ofHours(1), null, T0.plusSeconds(1),
                T0.plusSeconds(100), 5);
        AccessRequest third = store.submit("c", CAROL, Duration.ofHours(1), null, T0.plusSeconds(2), T0.plus(DAY), 5);

        assertThat(store.pending(T0.plusSeconds(3))).containsExactly(first, second, third);
        assertThat(store.pending(T0.plusSeconds(100))).containsExactly(first, third);
        assertThat(store.requestsBy(BOB.issuer(), BOB.subject())).containsExactly(second, first);
    }

    @Test
    void expiryTakesOverdueRequestsOnceAndReportsThem() {
        AccessRequest soon = store.submit("a", BOB, Duration.ofHours(1), null, T0, T0.plusSeconds(60), 5);
        AccessRequest later = ask(CAROL, "a");

        assertThat(store.expireUnanswered(T0.plusSeconds(59))).isEmpty();
        List<AccessRequest> expired = store.expireUnanswered(T0.plusSeconds(61));

        assertThat(expired).extracting(AccessRequest::id).containsExactly(soon.id());
        assertThat(expired.get(0).state()).isEqualTo(RequestState.EXPIRED);
        assertThat(expired.get(0).decidedAt()).isEqualTo(soon.expiresAt());
        assertThat(expired.get(0).decidedBy()).isNull();
        assertThat(store.expireUnanswered(T0.plusSeconds(62))).isEmpty();
        assertThat(store.request(later.id()).orElseThrow().state()).isEqualTo(RequestState.PENDING);
    }

    @Test
    void aNewRequestRetiresAnOverdueOneForTheSameRouteAndItIsStillReported() {
        AccessRequest old = store.submit("a", BOB, Duration.ofHours(1), null, T0, T0.plusSeconds(60), 5);
        Instant later = T0.plusSeconds(120);

        AccessRequest fresh = store.submit("a", BOB, Duration.ofHours(1), null, later, later.plus(DAY), 5);

        assertThat(fresh.state()).isEqualTo(RequestState.PENDING);
        assertThat(store.request(old.id()).orElseThrow().state()).isEqualTo(RequestState.EXPIRED);
        assertThat(store.expireUnanswered(later)).extracting(AccessRequest::id).containsExactly(old.id());
        assertThat(store.expireUnanswered(later)).isEmpty();
    }

    @Test
    void timesAreKeptToTheMillisecond() {
        Instant precise = T0.plusNanos(123_456_789);
        AccessRequest r = store.submit("a", BOB, Duration.ofHours(1), null, precise, precise.plus(DAY), 5);

        assertThat(r.createdAt()).isEqualTo(T0.plusMillis(123));
        assertThat(store.request(r.id()).orElseThrow()).isEqualTo(r);
    }

    @Test
    void concurrentApprovalsOfOneRequestMakeExactlyOneGrant() throws Exception {
        AccessRequest r = ask(BOB, "grafana");
        assertThat(racingApprovals(List.of(store, store, store, store), r.id())).isEqualTo(1);
        assertThat(store.activeGrants(T0.plusSeconds(1))).hasSize(1);
    }

    /** Approves one request from as many threads as stores, all at once; how many approvals won. */
    static int racingApprovals(List<AccessStore> stores, String requestId) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(stores.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < stores.size(); i++) {
                AccessStore s = stores.get(i);
                String approver = "approver-" + i;
                Callable<Boolean> approve = () -> {
                    go.await();
                    try {
                        s.approve(requestId, approver, null, T0.plusSeconds(1));
                        return true;
                    } catch (RequestConflict lost) {
                        return false;
                    }
                };
                results.add(threads.submit(approve));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> f : results) {
                won += f.get() ? 1 : 0;
            }
            return won;
        } finally {
            threads.shutdownNow();
        }
    }
}
