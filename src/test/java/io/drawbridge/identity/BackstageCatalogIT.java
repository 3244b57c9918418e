package io.drawbridge.identity;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;
import io.drawbridge.identity.CatalogRoleSource.Match;
import io.drawbridge.identity.CatalogRoleSource.UnknownUser;
import io.drawbridge.testing.BackstageProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.drawbridge.identity.CatalogFixtures.caller;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Backstage catalog client and the role source against a real Backstage backend (the project's fixture in
 * {@code src/test/fixtures/backstage}), started by this test on a free port with the catalog of {@code src/test/resources/catalog/}, and stopped after.
 * The same rows as {@link FileCatalogTest}: both catalogs must answer alike. The first run installs Backstage
 * with npm (about 60-100 s). Look-up times are printed, never asserted.
 */
class BackstageCatalogIT {

    static final String TOKEN = "drawbridge-it-token-0123456789";
    static final Path PROJECT = BackstageProcess.PROJECT;

    static BackstageProcess backstage;
    static BackstageCatalog catalog;
    static ExecutorService workers;

    @BeforeAll
    static void startBackstage() throws Exception {
        backstage = BackstageProcess.start(PROJECT.resolve("src/test/resources/catalog") + "/*.yaml", TOKEN);
        catalog = new BackstageCatalog(URI.create(backstage.url()), TOKEN, Duration.ofSeconds(5));
        workers = Executors.newFixedThreadPool(4);
    }

    @AfterAll
    static void stopBackstage() throws Exception {
        if (workers != null) {
            workers.shutdownNow();
        }
        if (backstage != null) {
            backstage.stop();
        }
    }

    static CatalogRoleSource roles(Match match, UnknownUser unknownUser) {
        return new CatalogRoleSource(catalog, CatalogFixtures.options(match, unknownUser), workers, Clock.systemUTC());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.drawbridge.identity.CatalogFixtures#groupsByEmail")
    void enrichmentByEmailAddsDirectGroupsAndEveryAncestor(String email, List<String> groups) {
        Enrichment enrichment = roles(Match.EMAIL, UnknownUser.DENY).enrich(caller("x", email, "token-group")).join();

        // the user's own ref comes along, as in Backstage's ownership refs
        assertThat(enrichment.identity().groups()).filteredOn(g -> g.startsWith("user:")).hasSize(1)
                .allMatch(ref -> ref.endsWith("/" + email.toLowerCase().substring(0, email.indexOf('@')))
                        || !ref.contains("@"));
        assertThat(enrichment.identity().groups()).filteredOn(g -> !g.startsWith("user:"))
                .containsExactlyInAnyOrderElementsOf(FileCatalogTest.concat(List.of("token-group"), groups));
        assertThat(enrichment.lookup()).isEqualTo("fresh");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.drawbridge.identity.CatalogFixtures#memberOfByName")
    void findsAUserByNameWithItsDirectGroups(String name, String ref, Set<String> memberOf) {
        CatalogUser user = catalog.userByName(name).orElseThrow();

        assertThat(user.ref()).hasToString(ref);
        assertThat(user.memberOf()).isEqualTo(memberOf);
    }

    @Test
    void enrichmentByNameFindsAliceInSreAndPlatform() {
        Enrichment enrichment = roles(Match.NAME, UnknownUser.DENY).enrich(caller("alice", null)).join();

        assertThat(enrichment.identity().groups())
                .containsExactlyInAnyOrder("user:default/alice", "group:default/sre", "group:default/platform");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.drawbridge.identity.CatalogFixtures#parents")
    void readsParentsOfGroups(String group, Set<String> parents) {
        assertThat(catalog.parentsOf(Set.of(group))).containsEntry(group, parents);
    }

    @Test
    void listsTheEntitiesThatDeclareRoutesFollowingEveryPage() {
        BackstageCatalog onePerPage = new BackstageCatalog(URI.create(backstage.url()), TOKEN,
                Duration.ofSeconds(5), 1);

        assertThat(catalog.routedEntities()).containsExactlyInAnyOrderElementsOf(CatalogFixtures.ROUTED);
        assertThat(onePerPage.routedEntities()).containsExactlyInAnyOrderElementsOf(CatalogFixtures.ROUTED);
    }

    @Test
    void anUnknownUserIsNotInTheCatalog() {
        Identity mallory = caller("mallory", "mallory@example.com", "token-group");

        assertThat(catalog.userByEmail("mallory@example.com")).isEmpty();
        assertThat(catalog.userByName("mallory")).isEmpty();
        Enrichment claimsOnly = roles(Match.EMAIL, UnknownUser.CLAIMS_ONLY).enrich(mallory).join();
        assertThat(claimsOnly.lookup()).isEqualTo("not-in-catalog");
        assertThat(claimsOnly.identity()).isEqualTo(mallory);
        assertThatThrownBy(() -> roles(Match.NAME, UnknownUser.DENY).enrich(mallory).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(UserNotInCatalog.class);
    }

    @Test
    void aWrongTokenIsAFailureNeverAnEmptyAnswer() {
        BackstageCatalog wrongToken = new BackstageCatalog(URI.create(backstage.url()),
                "not-the-token-0123456789", Duration.ofSeconds(5));
        CatalogRoleSource roles = new CatalogRoleSource(wrongToken,
                CatalogFixtures.options(Match.EMAIL, UnknownUser.CLAIMS_ONLY), workers, Clock.systemUTC());

        assertThatThrownBy(() -> wrongToken.userByEmail("alice@example.com"))
                .isInstanceOf(CatalogUnavailable.class).hasMessageContaining("status 401");
        assertThatThrownBy(() -> roles.enrich(caller("alice", "alice@example.com")).join())
                .cause().isInstanceOf(Reasoned.class)
                .satisfies(e -> assertThat(((Reasoned) e).reason()).isEqualTo(Reason.CATALOG_UNAVAILABLE));
    }

    @Test
    void printsColdAndCachedLookupTimes() {
        BackstageCatalog newClient = new BackstageCatalog(URI.create(backstage.url()), TOKEN,
                Duration.ofSeconds(5));
        CatalogRoleSource roles = new CatalogRoleSource(newClient,
                CatalogFixtures.options(Match.EMAIL, UnknownUser.CLAIMS_ONLY), workers, Clock.systemUTC());
        Identity alice = caller("alice", "alice@example.com");
        double first = millis(() -> roles.enrich(alice).join());
        double[] cold = List.of("erin", "carol", "bob", "dave", "lou", "gus").stream()
                .mapToDouble(u -> millis(() -> roles.enrich(caller(u, u + "@example.com")).join())).toArray();
        int rounds = 100_000;
        long started = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            if (roles.enrichWithoutIo(alice).isEmpty()) {
                throw new AssertionError("alice is not cached");
            }
        }
        double cached = (System.nanoTime() - started) / 1e3 / rounds;

        System.out.printf(Locale.ROOT, "%nBackstage look-up times (%s, %d cores, Java %s):%n"
                        + "  cold, new client: connect, user + 2 parent levels (alice)  %.1f ms%n"
                        + "  cold, open connection (median of %d users)                  %.1f ms%n"
                        + "  cached (enrichWithoutIo, mean of %d)                    %.2f us%n%n",
                cpu(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), first,
                cold.length, median(cold), rounds, cached);
        assertThat(roles.enrichWithoutIo(alice)).get().extracting(Enrichment::lookup).isEqualTo("cached");
    }

    static double millis(Runnable task) {
        long started = System.nanoTime();
        task.run();
        return (System.nanoTime() - started) / 1e6;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
