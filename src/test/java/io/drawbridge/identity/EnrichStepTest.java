package io.drawbridge.identity;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.identity.CatalogRoleSource.Match;
import io.drawbridge.identity.CatalogRoleSource.UnknownUser;
import io.drawbridge.testing.TestClock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.drawbridge.identity.CatalogFixtures.caller;
import static org.assertj.core.api.Assertions.assertThat;

/** The route step in a real CamelContext: from memory on the calling thread, else completed from the lookup. */
class EnrichStepTest {

    static final Identity ALICE = caller("alice", "alice@example.com", "token-group");
    static final Identity ENRICHED = ALICE.withGroups(Set.of("group:default/sre"));

    final HeldRoleSource source = new HeldRoleSource();
    CamelContext camel;

    @BeforeEach
    void startCamel() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stopCamel() {
        camel.stop();
    }

    Exchange request(Identity identity) {
        Exchange exchange = new DefaultExchange(camel);
        if (identity != null) {
            exchange.setProperty(ExchangeKeys.IDENTITY, identity);
        }
        return exchange;
    }

    @Test
    void passesARequestWithoutIdentityUntouched() {
        Exchange exchange = request(null);

        Completion completion = Completion.of(new EnrichStep(source), exchange);

        assertThat(completion.synchronous()).isTrue();
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getProperties()).doesNotContainKeys(ExchangeKeys.IDENTITY, ExchangeKeys.CATALOG);
        assertThat(source.asked).isEmpty();
    }

    @Test
    void enrichesOnTheCallingThreadWhenTheAnswerIsInMemory() {
        source.inMemory = Optional.of(new Enrichment(ENRICHED, "cached"));
        Exchange exchange = request(ALICE);

        Completion completion = Completion.of(new EnrichStep(source), exchange);

        assertThat(completion.returnedSynchronously()).isTrue();
        assertThat(completion.synchronous()).isTrue();
        assertThat(completion.thread()).isEqualTo(Thread.currentThread().getName());
        assertThat(exchange.getProperty(ExchangeKeys.IDENTITY)).isEqualTo(ENRICHED);
        assertThat(exchange.getProperty(ExchangeKeys.CATALOG)).isEqualTo("cached");
        assertThat(source.asked).containsExactly("without-io");
    }

    @Test
    void completesFromTheLookupWhenItMustWait() throws Exception {
        Exchange exchange = request(ALICE);

        Completion completion = Completion.of(new EnrichStep(source), exchange);

        assertThat(completion.returnedSynchronously()).isFalse();
        assertThat(completion.done()).isFalse();
        assertThat(exchange.getProperty(ExchangeKeys.IDENTITY)).isEqualTo(ALICE);

        Thread lookup = new Thread(() -> source.lookup.complete(new Enrichment(ENRICHED, "fresh")), "catalog-lookup");
        lookup.start();
        lookup.join();

        assertThat(completion.done()).isTrue();
        assertThat(completion.synchronous()).isFalse();
        assertThat(completion.thread()).isEqualTo("catalog-lookup");
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getProperty(ExchangeKeys.IDENTITY)).isEqualTo(ENRICHED);
        assertThat(exchange.getProperty(ExchangeKeys.CATALOG)).isEqualTo("fresh");
        assertThat(source.asked).containsExactly("without-io", "enrich");
    }

    @Test
    void failsClosedWhenTheCatalogIsUnavailable() {
        Exchange exchange = request(ALICE);
        Completion completion = Completion.of(new EnrichStep(source), exchange);

        source.lookup.completeExceptionally(new CatalogUnavailable("down"));

        assertThat(completion.done()).isTrue();
        assertThat(exchange.getException()).isInstanceOf(CatalogUnavailable.class);
        assertThat(exchange.getProperty(ExchangeKeys.FAILURE_REASON)).isEqualTo(Reason.CATALOG_UNAVAILABLE);
        assertThat(exchange.getProperty(ExchangeKeys.CATALOG)).isEqualTo("unavailable");
        assertThat(exchange.getProperty(ExchangeKeys.IDENTITY)).isEqualTo(ALICE);
    }

    @Test
    void failsOnTheCallingThreadWhenTheFailureIsKnownWithoutIo() {
        source.failInMemory = new UserNotInCatalog("no User entity for alice");
        Exchange exchange = request(ALICE);

        Completion completion = Completion.of(new EnrichStep(source), exchange);

        assertThat(completion.synchronous()).isTrue();
        assertThat(exchange.getException()).isInstanceOf(UserNotInCatalog.class);
        assertThat(exchange.getProperty(ExchangeKeys.FAILURE_REASON)).isEqualTo(Reason.USER_NOT_IN_CATALOG);
        assertThat(exchange.getProperty(ExchangeKeys.CATALOG)).isEqualTo("not-in-catalog");
    }

    @Test
    void handsAnUnexpectedErrorToTheExchangeInsteadOfThrowing() {
        source.failInMemory = new IllegalStateException("bug");
        Exchange exchange = request(ALICE);

        Completion completion = Completion.of(new EnrichStep(source), exchange);

        assertThat(completion.synchronous()).isTrue();
        assertThat(exchange.getException()).isInstanceOf(IllegalStateException.class);
        assertThat(exchange.getProperty(ExchangeKeys.IDENTITY)).isEqualTo(ALICE);
    }

    @Test
    void enrichesInARouteAcrossTheLookupHop() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(task -> new Thread(task, "catalog-lookup"));
        CatalogRoleSource catalog = new CatalogRoleSource(FileCatalog.at(CatalogFixtures.glob()),
                CatalogFixtures.options(Match.EMAIL, UnknownUser.DENY), pool, new TestClock(Instant.parse("2026-11-23T14:00:00Z")));
        List<Object> seen = new CopyOnWriteArrayList<>();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:protected").process(new EnrichStep(catalog)).process(e -> {
                    seen.add(Thread.currentThread().getName());
                    seen.add(e.getProperty(ExchangeKeys.CATALOG));
                });
            }
        });
        try {
            Exchange first = camel.createProducerTemplate().request("direct:protected",
                    e -> e.setProperty(ExchangeKeys.IDENTITY, ALICE));
            Exchange second = camel.createProducerTemplate().request("direct:protected",
                    e -> e.setProperty(ExchangeKeys.IDENTITY, ALICE));
            Exchange stranger = camel.createProducerTemplate().request("direct:protected",
                    e -> e.setProperty(ExchangeKeys.IDENTITY, caller("mallory", "mallory@example.com")));

            assertThat(first.getException()).isNull();
            assertThat(first.getProperty(ExchangeKeys.IDENTITY, Identity.class).groups())
                    .containsExactlyInAnyOrder("token-group", "user:default/alice", "group:default/sre", "group:default/platform");
            assertThat(second.getProperty(ExchangeKeys.IDENTITY, Identity.class).groups())
                    .contains("group:default/platform");
            // the first continues on the lookup's thread (or here, if the lookup won the race); the second here
            assertThat(seen.get(0)).isIn("catalog-lookup", Thread.currentThread().getName());
            assertThat(seen.subList(1, 4)).containsExactly("fresh", Thread.currentThread().getName(), "cached");
            assertThat(seen).hasSize(4);
            assertThat(stranger.getException()).isInstanceOf(UserNotInCatalog.class);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A role source the test answers by hand, recording what it was asked. */
    static final class HeldRoleSource implements RoleSource {
        final List<String> asked = new CopyOnWriteArrayList<>();
        final CompletableFuture<Enrichment> lookup = new CompletableFuture<>();
        Optional<Enrichment> inMemory = Optional.empty();
        RuntimeException failInMemory;

        @Override
        public Optional<Enrichment> enrichWithoutIo(Identity identity) {
            asked.add("without-io");
            if (failInMemory != null) {
                throw failInMemory;
            }
            return inMemory;
        }

        @Override
        public CompletableFuture<Enrichment> enrich(Identity identity) {
            asked.add("enrich");
            return lookup;
        }
    }

    /** How a step completed: whether process() returned true, and on which thread and how the callback came. */
    record Completion(boolean returnedSynchronously, AtomicReference<Boolean> doneSync, AtomicReference<String> on) {

        static Completion of(EnrichStep step, Exchange exchange) {
            AtomicReference<Boolean> doneSync = new AtomicReference<>();
            AtomicReference<String> on = new AtomicReference<>();
            AsyncCallback callback = sync -> {
                on.set(Thread.currentThread().getName());
                doneSync.set(sync);
            };
            return new Completion(step.process(exchange, callback), doneSync, on);
        }

        boolean done() {
            return doneSync.get() != null;
        }

        boolean synchronous() {
            return Boolean.TRUE.equals(doneSync.get());
        }

        String thread() {
            return on.get();
        }
    }
}
