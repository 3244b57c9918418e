package io.drawbridge.identity;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;
import io.drawbridge.identity.CatalogRoleSource.Match;
import io.drawbridge.identity.CatalogRoleSource.Options;
import io.drawbridge.identity.CatalogRoleSource.UnknownUser;
import io.drawbridge.identity.StandInBackstage.Reply;
import io.drawbridge.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.drawbridge.identity.CatalogFixtures.MAX_STALENESS;
import static io.drawbridge.identity.CatalogFixtures.TTL;
import static io.drawbridge.identity.CatalogFixtures.caller;
import static io.drawbridge.identity.Recorded.ALICE;
import static io.drawbridge.identity.Recorded.ALICE_BY_EMAIL;
import static io.drawbridge.identity.Recorded.BY_QUERY;
import static io.drawbridge.identity.Recorded.BY_REFS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cache, single flight, staleness and failing closed, against a stand-in Backstage whose calls are counted. */
class CatalogRoleSourceTest {

    static final Identity ALICE_CALLER = caller("alice", "alice@example.com", "token-group");
    static final Set<String> ALICE_GROUPS = Set.of("token-group", "user:default/alice", "group:default/sre", "group:default/platform");

    final TestClock clock = new TestClock(Instant.parse("2026-11-23T14:00:00Z"));
    final StandInBackstage backstage = StandInBackstage.start();
    /** What the stand-in answers to by-query, switchable mid-test. */
    final AtomicReference<StandInBackstage.Answer> byQuery = new AtomicReference<>(
            (query, body) -> Reply.json(query.contains("email=alice@example.com") ? ALICE_BY_EMAIL : Recorded.NOBODY));
    final ExecutorService workers = Executors.newFixedThreadPool(4);
    final CountDownLatch never = new CountDownLatch(1);

    CatalogRoleSourceTest() {
        backstage.on("GET", BY_QUERY, (query, body) -> byQuery.get().answer(query, body));
        backstage.on("GET", Recorded.BY_NAME_ALICE, (query, body) -> Reply.json(ALICE));
        backstage.on("POST", BY_REFS, (query, body) -> Reply.json(Recorded.byRefs(body)));
    }

    @AfterEach
    void stop() {
        backstage.close();
        workers.shutdownNow();
    }

    CatalogRoleSource source(Options options, Duration requestTimeout) {
        return new CatalogRoleSource(backstage.catalog(requestTimeout), options, workers, clock);
    }

    CatalogRoleSource source(UnknownUser unknownUser) {
        return source(CatalogFixtures.options(Match.EMAIL, unknownUser), Duration.ofSeconds(5));
    }

    CatalogRoleSource source() {
        return source(UnknownUser.CLAIMS_ONLY);
    }

    long userLookups() {
        return backstage.calls("GET", BY_QUERY);
    }

    static Reason failure(CompletableFuture<Enrichment> enrichment) {
        assertThatThrownBy(enrichment::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(Reasoned.class);
        return ((Reasoned) catchCause(enrichment)).reason();
    }

    static Throwable catchCause(CompletableFuture<?> future) {
        try {
            future.join();
            throw new AssertionError("completed normally");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void looksUpOnceThenAnswersFromMemoryWithinTheTtl() {
        CatalogRoleSource source = source();

        Enrichment first = source.enrich(ALICE_CALLER).join();
        clock.advance(TTL.minusSeconds(1));
        Optional<Enrichment> later = source.enrichWithoutIo(ALICE_CALLER);

        assertThat(first.lookup()).isEqualTo("fresh");
        assertThat(first.identity().groups()).containsExactlyInAnyOrderElementsOf(ALICE_GROUPS);
        assertThat(later).get().extracting(Enrichment::lookup).isEqualTo("cached");
        assertThat(later.get().identity()).isEqualTo(first.identity());
        assertThat(source.enrich(ALICE_CALLER).join().lookup()).isEqualTo("cached");
        assertThat(userLookups()).isEqualTo(1);
        assertThat(backstage.calls("POST", BY_REFS)).as("sre, then platform").isEqualTo(2);
    }

    @Test
    void looksUpAgainOnceTheTtlHasPassed() {
        CatalogRoleSource source = source();
        source.enrich(ALICE_CALLER).join();

        clock.advance(TTL);

        assertThat(source.enrichWithoutIo(ALICE_CALLER)).isEmpty();
        assertThat(source.enrich(ALICE_CALLER).join().lookup()).isEqualTo("fresh");
        assertThat(userLookups()).isEqualTo(2);
    }

    @Test
    void manyConcurrentRequestsForOneUserMakeOneCatalogCall() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        byQuery.set((query, body) -> {
            release.await(); // hold the one lookup until every request has asked
            return Reply.json(ALICE_BY_EMAIL);
        });
        CatalogRoleSource source = source();
        int threads = 8;
        int perThread = 25;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<CompletableFuture<Enrichment>> enrichments = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> asked = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                asked.add(callers.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        enrichments.add(source.enrich(caller("alice", "alice@example.com")));
                    }
                    return null;
                }));
            }
            for (var f : asked) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(enrichments).hasSize(threads * perThread).noneMatch(CompletableFuture::isDone);
            assertThat(source.inFlightUsers()).containsExactly("alice@example.com");

            release.countDown();

            for (CompletableFuture<Enrichment> enrichment : enrichments) {
                assertThat(enrichment.get(10, TimeUnit.SECONDS).identity().groups())
                        .containsExactlyInAnyOrder("user:default/alice", "group:default/sre", "group:default/platform");
            }
            assertThat(userLookups()).isEqualTo(1);
            assertThat(source.inFlightUsers()).isEmpty();
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void servesTheLastAnswerWhileTheCatalogIsDownThenFailsClosed() {
        CatalogRoleSource source = source();
        source.enrich(ALICE_CALLER).join();
        backstage.close();

        clock.advance(TTL.plusSeconds(1));
        Enrichment stale = source.enrich(ALICE_CALLER).join();
        clock.advance(CatalogRoleSource.RETRY_AFTER.minusSeconds(1));
        Optional<Enrichment> fromMemory = source.enrichWithoutIo(ALICE_CALLER);

        assertThat(stale.lookup()).isEqualTo("stale:301s");
        assertThat(stale.identity().groups()).containsExactlyInAnyOrderElementsOf(ALICE_GROUPS);
        assertThat(fromMemory).as("a failure a moment ago: no new lookup").get()
                .extracting(Enrichment::lookup).isEqualTo("stale:305s");

        clock.advance(MAX_STALENESS.minus(TTL)); // the answer is now 15m05s old
        assertThat(failure(source.enrich(ALICE_CALLER))).isEqualTo(Reason.CATALOG_UNAVAILABLE);
        assertThatThrownBy(() -> source.enrichWithoutIo(ALICE_CALLER)).isInstanceOf(CatalogUnavailable.class);
    }

    @Test
    void servesTheLastAnswerUpToMaxStalenessAndNotAMomentLonger() {
        CatalogRoleSource source = source();
        source.enrich(ALICE_CALLER).join();
        byQuery.set((query, body) -> new Reply(500, "{}"));

        clock.advance(MAX_STALENESS);

        assertThat(source.enrich(ALICE_CALLER).join().lookup()).isEqualTo("stale:900s");
        clock.advance(Duration.ofMillis(500));
        assertThatThrownBy(() -> source.enrichWithoutIo(ALICE_CALLER)).isInstanceOf(CatalogUnavailable.class);
        assertThat(failure(source.enrich(ALICE_CALLER))).isEqualTo(Reason.CATALOG_UNAVAILABLE);
    }

    static Stream<Arguments> failingCatalogs() {
        CountDownLatch never = new CountDownLatch(1);
        return Stream.of(
                Arguments.of("status 500", (StandInBackstage.Answer) (q, b) -> new Reply(500, "{}")),
                Arguments.of("malformed JSON", (StandInBackstage.Answer) (q, b) -> Reply.json("{\"items\":[")),
                Arguments.of("empty object", (StandInBackstage.Answer) (q, b) -> Reply.json("{}")),
                Arguments.of("slow", (StandInBackstage.Answer) (q, b) -> {
                    never.await();
                    return Reply.json(ALICE_BY_EMAIL);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failingCatalogs")
    void aFailingCatalogGivesTheLastAnswerNeverNoGroups(String name, StandInBackstage.Answer answer) {
        CatalogRoleSource source = source(CatalogFixtures.options(Match.EMAIL, UnknownUser.CLAIMS_ONLY),
                Duration.ofMillis(300));
        source.enrich(ALICE_CALLER).join();
        byQuery.set(answer);
        clock.advance(TTL);

        Enrichment enrichment = source.enrich(ALICE_CALLER).join();

        assertThat(enrichment.lookup()).isEqualTo("stale:300s");
        assertThat(enrichment.identity().groups()).containsExactlyInAnyOrderElementsOf(ALICE_GROUPS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failingCatalogs")
    void aFailingCatalogWithoutAnEarlierAnswerFailsClosed(String name, StandInBackstage.Answer answer) {
        byQuery.set(answer);
        CatalogRoleSource source = source(CatalogFixtures.options(Match.EMAIL, UnknownUser.CLAIMS_ONLY),
                Duration.ofMillis(300));

        assertThat(failure(source.enrich(ALICE_CALLER))).isEqualTo(Reason.CATALOG_UNAVAILABLE);
    }

    @Test
    void afterAFailureAnswersFromMemoryUntilRetryAfter() {
        byQuery.set((query, body) -> new Reply(500, "{}"));
        CatalogRoleSource source = source();
        failure(source.enrich(ALICE_CALLER));

        assertThatThrownBy(() -> source.enrichWithoutIo(ALICE_CALLER)).isInstanceOf(CatalogUnavailable.class);
        assertThat(failure(source.enrich(ALICE_CALLER))).isEqualTo(Reason.CATALOG_UNAVAILABLE);
        assertThat(userLookups()).isEqualTo(1);

        clock.advance(CatalogRoleSource.RETRY_AFTER);
        byQuery.set((query, body) -> Reply.json(ALICE_BY_EMAIL));

        assertThat(source.enrichWithoutIo(ALICE_CALLER)).isEmpty();
        assertThat(source.enrich(ALICE_CALLER).join().lookup()).isEqualTo("fresh");
        assertThat(userLookups()).isEqualTo(2);
    }

    @Test
    void requestsStopWaitingAfterTheLookupTimeoutWhileTheOneCallGoesOn() {
        byQuery.set((query, body) -> {
            never.await();
            return Reply.json(ALICE_BY_EMAIL);
        });
        CatalogRoleSource source = source(new Options(Match.EMAIL, null, TTL, MAX_STALENESS, UnknownUser.CLAIMS_ONLY,
                100, Duration.ofMillis(200)), Duration.ofSeconds(30));

        assertThat(failure(source.enrich(ALICE_CALLER))).isEqualTo(Reason.CATALOG_UNAVAILABLE);
        assertThat(failure(source.enrich(ALICE_CALLER))).isEqualTo(Reason.CATALOG_UNAVAILABLE);
        assertThat(userLookups()).isEqualTo(1);
    }

    @Test
    void anUnknownUserKeepsOnlyItsTokenGroupsByDefault() {
        CatalogRoleSource source = source(UnknownUser.CLAIMS_ONLY);
        Identity mallory = caller("mallory", "mallory@example.com", "token-group");

        Enrichment enrichment = source.enrich(mallory).join();

        assertThat(enrichment.lookup()).isEqualTo("not-in-catalog");
        assertThat(enrichment.identity()).isEqualTo(mallory);
        assertThat(source.enrichWithoutIo(mallory)).get().extracting(Enrichment::lookup).isEqualTo("not-in-catalog");
        assertThat(userLookups()).as("not being there is cached too").isEqualTo(1);
    }

    @Test
    void anUnknownUserIsDeniedWhenConfigured() {
        CatalogRoleSource source = source(UnknownUser.DENY);
        Identity mallory = caller("mallory", "mallory@example.com");

        assertThat(failure(source.enrich(mallory))).isEqualTo(Reason.USER_NOT_IN_CATALOG);
        assertThatThrownBy(() -> source.enrichWithoutIo(mallory)).isInstanceOf(UserNotInCatalog.class);
        assertThat(userLookups()).isEqualTo(1);
    }

    @Test
    void aCallerWithNothingToFindItByIsNotInTheCatalogWithoutALookup() {
        Identity machine = caller("ci-bot", null, "automation");
        Identity unverified = new Identity("s", "eve", "alice@example.com", Set.of(), "corp", null,
                Map.of("email_verified", false), null);

        assertThat(source().enrichWithoutIo(machine)).get().isEqualTo(new Enrichment(machine, "not-in-catalog"));
        Identity unverifiedText = new Identity("s", "eve", "alice@example.com", Set.of(), "corp", null,
                Map.of("email_verified", "false"), null);
        assertThat(source().enrichWithoutIo(unverified)).get().extracting(Enrichment::lookup)
                .isEqualTo("not-in-catalog");
        assertThat(source().enrichWithoutIo(unverifiedText)).get().extracting(Enrichment::lookup)
                .isEqualTo("not-in-catalog");
        assertThatThrownBy(() -> source(UnknownUser.DENY).enrichWithoutIo(machine))
                .isInstanceOf(UserNotInCatalog.class);
        assertThat(backstage.requests()).isEmpty();
    }

    @Test
    void matchesByUserNameOrByANamedClaim() {
        Options byName = new Options(Match.NAME, null, TTL, MAX_STALENESS, UnknownUser.CLAIMS_ONLY, 100,
                Duration.ofSeconds(10));
        Options byClaim = new Options(Match.NAME, "backstage_user", TTL, MAX_STALENESS, UnknownUser.CLAIMS_ONLY, 100,
                Duration.ofSeconds(10));
        Identity claimed = new Identity("s", "a.anders", null, Set.of(), "corp", null,
                Map.of("backstage_user", "alice"), null);

        assertThat(source(byName, Duration.ofSeconds(5)).enrich(caller("alice", null)).join().identity().groups())
                .containsExactlyInAnyOrder("user:default/alice", "group:default/sre", "group:default/platform");
        assertThat(source(byClaim, Duration.ofSeconds(5)).enrich(claimed).join().identity().groups())
                .containsExactlyInAnyOrder("user:default/alice", "group:default/sre", "group:default/platform");
        assertThat(backstage.calls("GET", Recorded.BY_NAME_ALICE)).isEqualTo(2);
        assertThat(userLookups()).isZero();
    }

    @Test
    void failsClosedWhenNoWorkerIsFree() {
        CatalogRoleSource source = new CatalogRoleSource(backstage.catalog(Duration.ofSeconds(5)),
                CatalogFixtures.options(Match.EMAIL, UnknownUser.CLAIMS_ONLY), task -> {
                    throw new RejectedExecutionException("full");
                }, clock);

        assertThat(failure(source.enrich(ALICE_CALLER))).isEqualTo(Reason.CATALOG_UNAVAILABLE);
        assertThat(source.inFlightUsers()).isEmpty();
    }

    @Test
    void aBugInTheCatalogFailsClosedToo() {
        Catalog broken = new FakeCatalog() {
            @Override
            public Optional<CatalogUser> userByEmail(String email) {
                throw new IllegalStateException("bug");
            }
        };
        CatalogRoleSource source = new CatalogRoleSource(broken,
                CatalogFixtures.options(Match.EMAIL, UnknownUser.CLAIMS_ONLY), Runnable::run, clock);

        assertThat(failure(source.enrich(ALICE_CALLER))).isEqualTo(Reason.CATALOG_UNAVAILABLE);
    }

    @Test
    void aGroupTreeTooDeepToWalkFailsInsteadOfLeavingGroupsOut() {
        Catalog endless = new FakeCatalog() {
            @Override
            public Map<String, Set<String>> parentsOf(Set<String> groupRefs) {
                String group = groupRefs.iterator().next();
                int level = Integer.parseInt(group.substring(group.lastIndexOf('-') + 1));
                return Map.of(group, Set.of("group:default/level-" + (level + 1)));
            }
        };
        CatalogRoleSource source = new CatalogRoleSource(endless,
                CatalogFixtures.options(Match.EMAIL, UnknownUser.CLAIMS_ONLY), Runnable::run, clock);

        assertThat(failure(source.enrich(ALICE_CALLER))).isEqualTo(Reason.CATALOG_UNAVAILABLE);
    }

    @Test
    void keepsAtMostMaxUsersAnswers() {
        CatalogRoleSource source = new CatalogRoleSource(FileCatalog.at(CatalogFixtures.glob(), clock),
                new Options(Match.EMAIL, null, TTL, MAX_STALENESS, UnknownUser.CLAIMS_ONLY, 2, Duration.ofSeconds(10)),
                Runnable::run, clock);

        for (String user : List.of("alice", "bob", "carol", "dave", "erin")) {
            source.enrich(caller(user, user + "@example.com")).join();
        }

        assertThat(source.cachedUsers()).isLessThanOrEqualTo(2);
    }

    /** A catalog where alice is in sre, with parents only as a subclass says. */
    static class FakeCatalog implements Catalog {
        @Override
        public Optional<CatalogUser> userByEmail(String email) {
            return Optional.of(new CatalogUser(new EntityRef("user", "default", "alice"), email,
                    Set.of("group:default/level-0")));
        }

        @Override
        public Optional<CatalogUser> userByName(String name) {
            return Optional.empty();
        }

        @Override
        public Map<String, Set<String>> parentsOf(Set<String> groupRefs) {
            return Map.of();
        }

        @Override
        public List<RoutedEntity> routedEntities() {
            return List.of();
        }
    }
}
