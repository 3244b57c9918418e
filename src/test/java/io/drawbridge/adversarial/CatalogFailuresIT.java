package io.drawbridge.adversarial;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.drawbridge.identity.CatalogRoleSource;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Backstage catalog that fails: slow, down, resetting, answering 500 (for the user or for the user's groups),
 * garbage, oversized or hostile entities, an endless group tree. Every caller is, in the catalog, a member of
 * {@code sre} and {@code contractors} (directly, or above a group whose look-up fails). The staff route denies
 * contractors and lets everyone else in, so a gateway that went on without catalog groups would answer it 200:
 * it must answer 503 {@code catalog-unavailable} instead, forward nothing, audit the decision, count it, log one
 * warning without stack trace, token or forged lines, and serve again by itself once the catalog answers properly
 * and {@link CatalogRoleSource#RETRY_AFTER} has passed. A caller whose answer is cached is served from it
 * (last-known-good) up to {@code maxStaleness}, and then fails closed too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CatalogFailuresIT {

    private static final String TOKEN = "catalog-secret-token-0123456789";
    private static final String UNAVAILABLE = "drawbridge_catalog_lookups_total";

    private final TokenMinter minter = new TokenMinter();
    private final TestUpstream upstream = new TestUpstream();
    private final StandInCatalog catalog = new StandInCatalog();
    /** Every log event of the gateway, from whichever thread logged it. */
    private final List<ILoggingEvent> logged = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> log = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            logged.add(event);
        }
    };
    /** Callers whose look-ups failed, to check they are served again. */
    private final List<String> failed = new CopyOnWriteArrayList<>();
    private GatewayFixture gateway;
    private Probe probe;

    @BeforeAll
    void start(@TempDir Path dir) {
        log.setContext(root().getLoggerContext());
        log.start();
        root().addAppender(log);
        minter.writeJwks(dir.resolve("jwks.json"));
        gateway = GatewayFixture.start(dir, """
                @TEST_ISSUER@
                policies:
                  staff:
                    deny:
                      - name: no-contractors
                        groups: ["group:default/contractors"]
                    allow:
                      - users: ["*"]
                  sre:
                    allow:
                      - groups: ["group:default/sre"]
                catalog:
                  backstage:
                    url: %s
                    token: ${DRAWBRIDGE_IT_CATALOG_TOKEN:-%s}
                    timeout: 500ms
                  match: name
                  ttl: 1s
                  maxStaleness: 3s
                  pollInterval: 1h
                """.formatted(catalog.url(), TOKEN), Map.of(
                "staff.yaml", route("staff"), "sre.yaml", route("sre")), Map.of("upstream", upstream.url()));
        probe = new Probe(gateway, upstream);
    }

    private static String route(String policy) {
        return """
                - route:
                    id: %s
                    from:
                      uri: gateway:/%s
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:enrich
                        - to: drawbridge:authorize?policy=%s
                        - to: "drawbridge:proxy?upstream={{upstream}}&stripPrefix=true"
                """.formatted(policy, policy, policy);
    }

    @AfterAll
    void stop() {
        root().detachAppender(log);
        gateway.close();
        upstream.close();
        catalog.close();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private Probe.Outcome get(String path, String user) {
        return probe.get(path, "Authorization: Bearer " + minter.token(user, List.of()));
    }

    static Stream<StandInCatalog.Answer> failures() {
        var failures = EnumSet.allOf(StandInCatalog.Answer.class);
        failures.removeAll(Set.of(StandInCatalog.Answer.OK, StandInCatalog.Answer.THOUSANDS_OF_GROUPS,
                StandInCatalog.Answer.CYCLIC_GROUPS));
        return failures.stream();
    }

    private static String userFor(StandInCatalog.Answer answer) {
        return answer.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    // ---- failures fail closed --------------------------------------------------------------------------------

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aCatalogThatCannotAnswerFailsClosed(StandInCatalog.Answer answer) throws Exception {
        String user = userFor(answer);
        catalog.answer(user, answer);
        failed.add(user);
        int loggedBefore = logged.size();
        double before = Metrics.sum(gateway, UNAVAILABLE, "result=\"unavailable\"");

        var staff = get("/staff/x", user).refused(503, "catalog-unavailable");
        assertThat(staff.audit().path("catalog").asText()).isEqualTo("unavailable");
        assertThat(staff.audit().path("subject").asText()).isEqualTo(user);
        assertThat(staff.audit().toString()).doesNotContain(TOKEN).hasSizeLessThan(4_000);
        assertThat(staff.audit().path("groups")).as("no catalog group is claimed").noneMatch(
                g -> g.asText().startsWith("group:"));
        assertThat(staff.response().header("Retry-After")).isEqualTo("5");
        // the stable reason code only (explain: requirement), nothing of what the catalog answered
        assertThat(staff.response().text().replace("\"reason\":\"catalog-unavailable\"", ""))
                .doesNotContain("catalog").doesNotContain("Exception");
        int asked = catalog.lookups(user);
        assertThat(asked).as("look-ups (the HTTP client retries a GET once on a reset)").isBetween(1, 2);

        // right after a failure the outcome comes from memory: the catalog is not asked again
        get("/sre/x", user).refused(503, "catalog-unavailable");
        assertThat(catalog.lookups(user)).isEqualTo(asked);
        assertThat(Metrics.await(gateway, before + 2, 5_000, UNAVAILABLE, "result=\"unavailable\""))
                .isEqualTo(before + 2);

        // a look-up that outlives the requests' wait (the endless tree) logs when it gives up
        long deadline = System.currentTimeMillis() + 5_000;
        while (failuresLoggedSince(loggedBefore) == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(failuresLoggedSince(loggedBefore)).isEqualTo(1);
        List<ILoggingEvent> lines = logged.subList(loggedBefore, logged.size());
        assertThat(lines).allSatisfy(e -> {
            assertThat(e.getThrowableProxy()).as("stack trace of " + e.getFormattedMessage()).isNull();
            assertThat(e.getFormattedMessage()).doesNotContain(TOKEN).doesNotContain("Bearer")
                    .doesNotContain("\n").doesNotContain("\r").hasSizeLessThan(1_000);
        });
    }

    @Order(2)
    @Test
    void aCatalogThatIsDownFailsClosed() {
        catalog.answer("down", StandInCatalog.Answer.OK);
        catalog.stop();
        try {
            var down = get("/staff/x", "down").refused(503, "catalog-unavailable");
            assertThat(down.audit().path("catalog").asText()).isEqualTo("unavailable");
            failed.add("down");
        } finally {
            catalog.restart();
        }
    }

    @Order(3)
    @Test
    void everyCallerIsServedAgainOnceTheCatalogAnswers() throws Exception {
        failed.forEach(user -> catalog.answer(user, StandInCatalog.Answer.OK));
        Thread.sleep(CatalogRoleSource.RETRY_AFTER.toMillis() + 200);
        assertThat(failed).hasSizeGreaterThan(10);
        for (String user : failed) {
            var sre = get("/sre/x", user);
            var seen = sre.forwarded(200);
            assertThat(sre.audit().path("catalog").asText()).as(user).isEqualTo("fresh");
            assertThat(seen.all("X-Forwarded-Groups").get(0)).as(user).contains("group:default/sre");
            var staff = get("/staff/x", user).refused(403, "deny-rule-matched");
            assertThat(staff.audit().path("catalog").asText()).as(user).isEqualTo("cached");
        }
    }

    private long failuresLoggedSince(int index) {
        return logged.stream().skip(index)
                .filter(e -> e.getFormattedMessage().startsWith("catalog lookup failed")).count();
    }

    // ---- last-known-good -------------------------------------------------------------------------------------

    @Order(4)
    @Test
    void aKnownCallerIsServedTheLastKnownGoodUntilMaxStalenessThenFailsClosed() throws Exception {
        catalog.answer("known", StandInCatalog.Answer.OK);
        get("/sre/x", "known").forwarded(200);
        Thread.sleep(1_100); // past the 1s ttl
        catalog.answer("known", StandInCatalog.Answer.RESET);

        var stale = get("/sre/x", "known");
        stale.forwarded(200);
        assertThat(stale.audit().path("catalog").asText()).matches("stale:[1-3]s");
        var denied = get("/staff/x", "known").refused(403, "deny-rule-matched"); // the stale groups still deny
        assertThat(denied.audit().path("catalog").asText()).startsWith("stale:");
        assertThat(Metrics.await(gateway, 1, 5_000, "drawbridge_catalog_staleness_seconds")).isPositive();
        assertThat(Metrics.sum(gateway, UNAVAILABLE, "result=\"stale\"")).isGreaterThanOrEqualTo(2);

        Thread.sleep(2_200); // now older than maxStaleness (3s)
        var tooOld = get("/staff/x", "known").refused(503, "catalog-unavailable");
        assertThat(tooOld.audit().path("catalog").asText()).isEqualTo("unavailable");
        assertThat(get("/sre/x", "known").status()).isEqualTo(503);
    }

    // ---- hostile but well-formed ----------------------------------------------------------------------------

    @Order(5)
    @Test
    void thousandsOfGroupsStillDecideByTheGroupsThatMatter() {
        catalog.answer("many-groups", StandInCatalog.Answer.THOUSANDS_OF_GROUPS);
        var staff = get("/staff/x", "many-groups").refused(403, "deny-rule-matched");
        assertThat(staff.audit().path("catalog").asText()).isEqualTo("fresh");
        assertThat(staff.audit().path("groups")).hasSizeGreaterThan(5_000);
    }

    @Order(6)
    @Test
    void aGroupCycleEndsAndItsParentsStillCount() {
        catalog.answer("cyclic", StandInCatalog.Answer.CYCLIC_GROUPS);
        var staff = get("/staff/x", "cyclic").refused(403, "deny-rule-matched"); // contractors, above the cycle
        assertThat(staff.audit().path("groups")).extracting(g -> g.asText()).containsExactlyInAnyOrder(
                "user:default/cyclic", "group:default/cycle-a", "group:default/cycle-b", "group:default/contractors");
    }
}
