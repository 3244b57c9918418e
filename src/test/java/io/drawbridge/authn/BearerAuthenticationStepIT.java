package io.drawbridge.authn;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import io.drawbridge.testing.KeyServer;
import io.drawbridge.testing.TestClock;
import io.drawbridge.testing.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.drawbridge.testing.KeyServer.JWKS_PATH;
import static io.drawbridge.testing.Tokens.claims;
import static io.drawbridge.testing.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

/** The route step in a real CamelContext, with the issuer's keys served by a local JWKS server. */
class BearerAuthenticationStepIT {

    final TestClock clock = new TestClock();
    final KeyServer idp = KeyServer.start().publish(Tokens.rsa("key-1"));
    final String iss = idp.url("/realms/corp");
    final HeldExecutor workers = new HeldExecutor();
    final IssuerRegistry registry = new IssuerRegistry(
            List.of(new TrustedIssuer(Tokens.issuer("corp", iss, idp.url(JWKS_PATH), null), clock)),
            new VerifiedTokens(1000, clock));
    final String token = sign(Tokens.rsa("key-1"), claims(iss, clock).build());
    CamelContext camel;

    @BeforeEach
    void startCamel() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        idp.close();
    }

    BearerAuthenticationStep step(boolean forwardToken) {
        return new BearerAuthenticationStep(registry, workers, null, forwardToken);
    }

    Exchange request(Object authorization) {
        Exchange exchange = new DefaultExchange(camel);
        if (authorization != null) {
            exchange.getMessage().setHeader("Authorization", authorization);
        }
        return exchange;
    }

    void fetchKeysBeforehand() {
        registry.verify(sign(Tokens.rsa("key-1"), claims(iss, clock).subject("warm-up").build()), null);
    }

    @Test
    void putsTheIdentityInItsPropertyAndRemovesTheToken() {
        fetchKeysBeforehand();
        Exchange exchange = request("Bearer " + token);

        Completion completion = Completion.of(step(false), exchange);

        assertThat(completion.synchronous()).isTrue();
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getProperty(ExchangeKeys.IDENTITY, Identity.class).user()).isEqualTo("alice");
        assertThat(exchange.getMessage().getHeader("Authorization")).isNull();
    }

    @Test
    void keepsTheTokenForTheUpstreamWhenToldToForwardIt() {
        fetchKeysBeforehand();
        Exchange exchange = request("Bearer " + token);

        Completion.of(step(true), exchange);

        assertThat(exchange.getProperty(ExchangeKeys.IDENTITY)).isNotNull();
        assertThat(exchange.getMessage().getHeader("Authorization")).isEqualTo("Bearer " + token);
    }

    @Test
    void acceptsTheSchemeAndTheHeaderNameInAnyCase() {
        fetchKeysBeforehand();
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader("authorization", "bEaReR " + token);

        Completion.of(step(false), exchange);

        assertThat(exchange.getProperty(ExchangeKeys.IDENTITY)).isNotNull();
        assertThat(exchange.getMessage().getHeader("AUTHORIZATION")).isNull();
    }

    @Test
    void completesOnTheCallingThreadWhenTheKeysAreInMemory() {
        fetchKeysBeforehand();

        Completion completion = Completion.of(step(false), request("Bearer " + token));

        assertThat(completion.returnedSynchronously()).isTrue();
        assertThat(completion.synchronous()).isTrue();
        assertThat(completion.thread()).isEqualTo(Thread.currentThread().getName());
        assertThat(workers.ran()).isZero();
    }

    @Test
    void completesOnAWorkerWhenTheKeysMustBeFetchedFirst() {
        Exchange exchange = request("Bearer " + token);

        Completion completion = Completion.of(step(false), exchange);

        assertThat(completion.returnedSynchronously()).isFalse();
        assertThat(completion.done()).isFalse();
        assertThat(idp.totalHits()).as("no I/O on the calling thread").isZero();

        workers.runHeld();

        assertThat(completion.done()).isTrue();
        assertThat(completion.synchronous()).isFalse();
        assertThat(completion.thread()).isEqualTo(HeldExecutor.WORKER_NAME);
        assertThat(idp.hits(JWKS_PATH)).isEqualTo(1);
        assertThat(exchange.getProperty(ExchangeKeys.IDENTITY, Identity.class).issuer()).isEqualTo("corp");
        assertThat(exchange.getMessage().getHeader("Authorization")).isNull();
    }

    @Test
    void reportsAFailureFoundOnTheWorker() {
        idp.failWith(503);
        Exchange exchange = request("Bearer " + token);

        Completion completion = Completion.of(step(false), exchange);
        workers.runHeld();

        assertThat(completion.synchronous()).isFalse();
        assertThat(reason(exchange)).isEqualTo(Reason.ISSUER_UNAVAILABLE);
        assertThat(exchange.getProperty(ExchangeKeys.FAILURE_REASON)).isEqualTo(Reason.ISSUER_UNAVAILABLE);
        assertThat(exchange.getMessage().getHeader("Authorization")).isNull();
    }

    @Test
    void failsAsUnavailableWhenNoWorkerIsFree() {
        Executor full = task -> {
            throw new RejectedExecutionException("queue full");
        };
        Exchange exchange = request("Bearer " + token);

        Completion completion = Completion.of(new BearerAuthenticationStep(registry, full, null, false), exchange);

        assertThat(completion.synchronous()).isTrue();
        assertThat(reason(exchange)).isEqualTo(Reason.ISSUER_UNAVAILABLE);
    }

    @Test
    void handsAnUnexpectedErrorToTheExchangeInsteadOfThrowing() {
        TokenVerifier broken = new TokenVerifier() {
            @Override
            public java.util.Optional<Identity> verifyWithoutIo(String token, Set<String> allowedIssuers) {
                throw new IllegalStateException("bug");
            }

            @Override
            public Identity verify(String token, Set<String> allowedIssuers) {
                throw new IllegalStateException("bug");
            }
        };
        Exchange exchange = request("Bearer " + token);

        Completion completion = Completion.of(new BearerAuthenticationStep(broken, workers, null, false), exchange);

        assertThat(completion.synchronous()).isTrue();
        assertThat(exchange.getException()).isInstanceOf(IllegalStateException.class);
        assertThat(exchange.getMessage().getHeader("Authorization")).isNull();
    }

    @Test
    void rejectsATokenOfAnIssuerTheRouteDoesNotAccept() {
        fetchKeysBeforehand();
        Exchange exchange = request("Bearer " + token);

        Completion.of(new BearerAuthenticationStep(registry, workers, Set.of("partner"), false), exchange);

        assertThat(reason(exchange)).isEqualTo(Reason.ISSUER_NOT_ALLOWED);
        assertThat(exchange.getProperty(ExchangeKeys.IDENTITY)).isNull();
    }

    static Stream<Arguments> badHeaders() {
        return Stream.of(
                Arguments.of("no header", null, Reason.TOKEN_MISSING),
                Arguments.of("empty header", "", Reason.TOKEN_MISSING),
                Arguments.of("basic credentials", "Basic dXNlcjpwYXNzd29yZA==", Reason.TOKEN_MISSING),
                Arguments.of("bare token without scheme", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", Reason.TOKEN_MISSING),
                Arguments.of("scheme without token", "Bearer", Reason.TOKEN_MALFORMED),
                Arguments.of("scheme and blank", "Bearer   ", Reason.TOKEN_MALFORMED),
                Arguments.of("two tokens", "Bearer abc def", Reason.TOKEN_MALFORMED),
                Arguments.of("two credentials in one header", "Bearer abc, Bearer def", Reason.TOKEN_MALFORMED),
                Arguments.of("two headers", List.of("Bearer abc", "Bearer def"), Reason.TOKEN_MALFORMED),
                Arguments.of("not a JWT", "Bearer opaque-token", Reason.TOKEN_MALFORMED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void rejectsABadAuthorizationHeaderOnTheCallingThread(String name, Object header, Reason expected) {
        Exchange exchange = request(header);

        Completion completion = Completion.of(step(true), exchange);

        assertThat(completion.synchronous()).isTrue();
        assertThat(reason(exchange)).isEqualTo(expected);
        assertThat(exchange.getProperty(ExchangeKeys.FAILURE_REASON)).isEqualTo(expected);
        assertThat(exchange.getMessage().getHeader("Authorization")).isNull();
        assertThat(workers.held()).isZero();
    }

    @Test
    void authenticatesInARouteAcrossTheWorkerHop() throws Exception {
        List<Object> seenUpstream = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor(
                task -> new Thread(task, HeldExecutor.WORKER_NAME));
        BearerAuthenticationStep step = new BearerAuthenticationStep(registry, pool, null, false);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:protected").process(step).process(e -> {
                    seenUpstream.add(e.getMessage().getHeader("Authorization"));
                    seenUpstream.add(Thread.currentThread().getName());
                });
            }
        });

        try {
            Exchange result = camel.createProducerTemplate().request("direct:protected",
                    e -> e.getMessage().setHeader("Authorization", "Bearer " + token));

            assertThat(result.getException()).isNull();
            assertThat(result.getProperty(ExchangeKeys.IDENTITY, Identity.class).user()).isEqualTo("alice");
            assertThat(seenUpstream).containsExactly(null, HeldExecutor.WORKER_NAME);
        } finally {
            pool.shutdownNow();
        }
    }

    static Reason reason(Exchange exchange) {
        assertThat(exchange.getException()).isInstanceOf(AuthenticationFailed.class);
        return ((AuthenticationFailed) exchange.getException()).reason();
    }

    /** How a step completed: whether process() returned true, and on which thread and how the callback came. */
    static final class Completion {
        private volatile boolean returned;
        private volatile Boolean doneSync;
        private volatile String thread;

        static Completion of(BearerAuthenticationStep step, Exchange exchange) {
            Completion completion = new Completion();
            completion.returned = step.process(exchange, doneSync -> {
                completion.thread = Thread.currentThread().getName();
                completion.doneSync = doneSync;
            });
            return completion;
        }

        boolean returnedSynchronously() {
            return returned;
        }

        boolean done() {
            return doneSync != null;
        }

        boolean synchronous() {
            assertThat(doneSync).as("callback called").isNotNull();
            assertThat(doneSync).as("callback's doneSync agrees with process()").isEqualTo(returned);
            return doneSync;
        }

        String thread() {
            return thread;
        }
    }

    /** Holds submitted tasks until the test runs them, on a thread of its own. */
    static final class HeldExecutor implements Executor {
        static final String WORKER_NAME = "authn-worker";
        private final List<Runnable> tasks = new ArrayList<>();
        private int ran;

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized int held() {
            return tasks.size();
        }

        synchronized int ran() {
            return ran;
        }

        void runHeld() {
            List<Runnable> now;
            synchronized (this) {
                now = List.copyOf(tasks);
                tasks.clear();
                ran += now.size();
            }
            for (Runnable task : now) {
                Thread worker = new Thread(task, WORKER_NAME);
                worker.start();
                try {
                    worker.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
