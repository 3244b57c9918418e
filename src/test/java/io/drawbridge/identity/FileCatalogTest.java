package io.drawbridge.identity;

import io.drawbridge.identity.CatalogRoleSource.Match;
import io.drawbridge.identity.CatalogRoleSource.UnknownUser;
import io.drawbridge.testing.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.drawbridge.identity.CatalogFixtures.caller;
import static io.drawbridge.identity.CatalogFixtures.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Catalog files read as Backstage reads them: short refs completed, relations derived, changes picked up. */
class FileCatalogTest {

    final TestClock clock = new TestClock(Instant.parse("2026-11-23T14:00:00Z"));
    final FileCatalog fixtures = FileCatalog.at(CatalogFixtures.glob(), clock);

    @TempDir
    Path dir;

    static final String GROUP_SRE = """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: { name: sre }
            spec: { type: team, children: [] }
            """;

    static String user(String name, String email, String memberOf) {
        return """
                apiVersion: backstage.io/v1alpha1
                kind: User
                metadata: { name: %s }
                spec: { profile: { email: %s }, memberOf: [%s] }
                """.formatted(name, email, memberOf);
    }

    Path write(String file, String... documents) throws IOException {
        return Files.writeString(dir.resolve(file), String.join("---\n", documents));
    }

    CatalogRoleSource roles(Catalog catalog) {
        return new CatalogRoleSource(catalog, options(Match.EMAIL, UnknownUser.CLAIMS_ONLY), Runnable::run, clock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.drawbridge.identity.CatalogFixtures#groupsByEmail")
    void enrichmentAddsDirectGroupsAndEveryAncestor(String email, List<String> groups) {
        Enrichment enrichment = roles(fixtures).enrich(caller("someone", email, "token-group")).join();

        // the user's own ref comes along, as in Backstage's ownership refs
        assertThat(enrichment.identity().groups()).filteredOn(g -> g.startsWith("user:")).hasSize(1)
                .allMatch(ref -> ref.endsWith("/" + email.toLowerCase().substring(0, email.indexOf('@')))
                        || !ref.contains("@"));
        assertThat(enrichment.identity().groups()).filteredOn(g -> !g.startsWith("user:"))
                .containsExactlyInAnyOrderElementsOf(concat(List.of("token-group"), groups));
        assertThat(enrichment.lookup()).isEqualTo("fresh");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.drawbridge.identity.CatalogFixtures#memberOfByName")
    void findsAUserByNameWithItsDirectGroups(String name, String ref, Set<String> memberOf) {
        CatalogUser user = fixtures.userByName(name).orElseThrow();

        assertThat(user.ref()).hasToString(ref);
        assertThat(user.memberOf()).isEqualTo(memberOf);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.drawbridge.identity.CatalogFixtures#parents")
    void readsParentsFromSpecParentAndFromTheParentsChildren(String group, Set<String> parents) {
        assertThat(fixtures.parentsOf(Set.of(group))).containsEntry(group, parents);
    }

    @Test
    void listsTheEntitiesThatDeclareRoutesWithTheirOwnersMembers() {
        assertThat(fixtures.routedEntities()).containsExactlyInAnyOrderElementsOf(CatalogFixtures.ROUTED);
    }

    @Test
    void findsUsersOfAnotherNamespaceByEmailButNotByName() {
        assertThat(fixtures.userByEmail("olga.ops@EXAMPLE.com")).get()
                .extracting(u -> u.ref().toString()).isEqualTo("user:ops/olga.ops");
        assertThat(fixtures.userByName("olga.ops")).isEmpty(); // names are looked up in the default namespace
    }

    @Test
    void answersEmptyForAnUnknownUser() {
        assertThat(fixtures.userByEmail("mallory@example.com")).isEmpty();
        assertThat(fixtures.userByName("mallory")).isEmpty();
        assertThat(fixtures.userByName("../group/default/sre")).isEmpty();
        Enrichment enrichment = roles(fixtures).enrich(caller("mallory", "mallory@example.com", "t")).join();
        assertThat(enrichment.lookup()).isEqualTo("not-in-catalog");
        assertThat(enrichment.identity().groups()).containsExactly("t");
    }

    @Test
    void completesShortRefsWithTheWritersNamespace() throws IOException {
        write("ns.yaml", """
                apiVersion: backstage.io/v1alpha1
                kind: User
                metadata: { name: nina, namespace: team-a }
                spec: { profile: { email: nina@example.com }, memberOf: [devs, "default/sre", "group:ops/oncall"] }
                """);

        assertThat(FileCatalog.at(dir.toString(), clock).userByEmail("nina@example.com").orElseThrow().memberOf())
                .containsExactlyInAnyOrder("group:team-a/devs", "group:default/sre", "group:ops/oncall");
    }

    @Test
    void refusesAnEmailSharedByTwoUsers() throws IOException {
        write("twins.yaml", user("ann", "twin@example.com", "sre"), user("ana", "Twin@Example.com", "sre"));

        assertThat(FileCatalog.at(dir.toString(), clock).userByEmail("twin@example.com")).isEmpty();
    }

    @Test
    void readsChangedFilesAgainAtTheNextCheck() throws IOException {
        Path file = write("org.yaml", GROUP_SRE, user("zoe", "zoe@example.com", ""));
        FileCatalog catalog = FileCatalog.at(dir + "/*.yaml", clock);
        assertThat(catalog.userByName("zoe").orElseThrow().memberOf()).isEmpty();

        Files.writeString(file, String.join("---\n", GROUP_SRE, user("zoe", "zoe@example.com", "sre, extra")));
        assertThat(catalog.userByName("zoe").orElseThrow().memberOf()).as("checked at most once a second").isEmpty();
        clock.advance(FileCatalog.CHECK_INTERVAL);

        assertThat(catalog.userByName("zoe").orElseThrow().memberOf())
                .containsExactlyInAnyOrder("group:default/sre", "group:default/extra");
    }

    @Test
    void picksUpNewFilesAndForgetsRemovedOnes() throws IOException {
        write("a.yaml", user("zoe", "zoe@example.com", "sre"));
        FileCatalog catalog = FileCatalog.at(dir + "/*.yaml", clock);
        assertThat(catalog.userByName("yan")).isEmpty();

        write("b.yaml", user("yan", "yan@example.com", "sre"));
        clock.advance(FileCatalog.CHECK_INTERVAL);
        assertThat(catalog.userByName("yan")).isPresent();

        Files.delete(dir.resolve("b.yaml"));
        clock.advance(FileCatalog.CHECK_INTERVAL);
        assertThat(catalog.userByName("yan")).isEmpty();
        assertThat(catalog.userByName("zoe")).isPresent();
    }

    @Test
    void aFileThatBecomesInvalidKeepsItsEntitiesAsBackstageDoes() throws IOException {
        Path file = write("org.yaml", user("zoe", "zoe@example.com", "sre"));
        FileCatalog catalog = FileCatalog.at(dir.toString(), clock);
        assertThat(catalog.userByName("zoe")).isPresent();

        Files.writeString(file, user("zoe", "zoe@example.com", "sre") + "---\nkind: User\nmetadata: { name: x }\n");
        clock.advance(FileCatalog.CHECK_INTERVAL);

        assertThat(catalog.userByName("zoe").orElseThrow().memberOf()).containsExactly("group:default/sre");
    }

    @Test
    void aFileThatWasNeverValidMakesTheCatalogUnavailable() throws IOException {
        write("org.yaml", user("zoe", "zoe@example.com", "sre"));
        write("broken.yaml", "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: { name: 'not a name' }\n");
        FileCatalog catalog = FileCatalog.at(dir.toString(), clock);

        assertThatThrownBy(() -> catalog.userByName("zoe")).isInstanceOf(CatalogUnavailable.class)
                .hasMessageContaining("broken.yaml").hasMessageContaining("metadata.name");

        Files.delete(dir.resolve("broken.yaml"));
        clock.advance(FileCatalog.CHECK_INTERVAL);
        assertThat(catalog.userByName("zoe")).isPresent();
    }

    @Test
    void refusesWhatBackstageRefuses() {
        for (String yaml : List.of(
                "kind: User\nmetadata: { name: a }\n",                                           // no apiVersion
                "apiVersion: v1\nkind: User\nmetadata: { name: a }\n",                           // not Backstage's
                "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: { name: -a }\n",        // bad name
                "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: { name: a, namespace: A_B }\n",
                "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: { name: a }\nspec: { memberOf: [[x]] }\n",
                "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: a }\nspec: { parent: 'a b' }\n",
                "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: { name: a, name: b }\n", // duplicate key
                "- not: an entity\n",
                "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: { name: a\n")) {        // not YAML
            assertThatThrownBy(() -> FileCatalog.parse(yaml.getBytes())).as(yaml)
                    .isInstanceOfAny(IllegalArgumentException.class, IOException.class);
        }
    }

    @Test
    void readsOtherKindsWithoutUsingThem() throws IOException {
        byte[] yaml = """
                apiVersion: backstage.io/v1alpha1
                kind: System
                metadata: { name: observability }
                spec: { owner: sre }
                ---
                ---
                apiVersion: backstage.io/v1alpha1
                kind: Location
                metadata: { name: more }
                spec: { targets: [./other.yaml] }
                """.getBytes();

        assertThat(FileCatalog.parse(yaml)).hasSize(2);
    }

    @Test
    void isUnavailableWithoutAnyFile() {
        assertThatThrownBy(() -> FileCatalog.at(dir + "/*.yaml", clock).userByName("zoe"))
                .isInstanceOf(CatalogUnavailable.class).hasMessageContaining("no catalog file");
        assertThatThrownBy(() -> FileCatalog.at(dir + "/missing/*.yaml", clock).userByName("zoe"))
                .isInstanceOf(CatalogUnavailable.class);
        assertThatThrownBy(() -> FileCatalog.at(dir + "/missing.yaml", clock).userByName("zoe"))
                .isInstanceOf(CatalogUnavailable.class);
    }

    @Test
    void findsFilesByFolderFileGlobAndAnyDepth() throws IOException {
        Files.createDirectories(dir.resolve("teams/sre"));
        write("org.yaml", GROUP_SRE);
        write("notes.txt", "not a catalog file");
        write("teams/sre/catalog-info.yml", user("zoe", "zoe@example.com", "sre"));

        assertThat(FileCatalog.list(dir.toString())).containsExactly(dir.resolve("org.yaml"));
        assertThat(FileCatalog.list(dir + "/org.yaml")).containsExactly(dir.resolve("org.yaml"));
        assertThat(FileCatalog.list(dir + "/*.yaml")).containsExactly(dir.resolve("org.yaml"));
        assertThat(FileCatalog.list(dir + "/teams/*/*.yml")).containsExactly(dir.resolve("teams/sre/catalog-info.yml"));
        assertThat(FileCatalog.list(dir + "/**.{yaml,yml}"))
                .containsExactly(dir.resolve("org.yaml"), dir.resolve("teams/sre/catalog-info.yml"));
    }

    @Test
    void theDevDemoCatalogPutsAliceInSreAndPlatformAndBobInSales() {
        FileCatalog demo = FileCatalog.at("classpath:dev/catalog/catalog-info.yaml", clock);
        CatalogRoleSource roles = roles(demo);

        assertThat(roles.enrich(caller("alice", "alice@example.com")).join().identity().groups())
                .containsExactlyInAnyOrder("user:default/alice", "group:default/sre", "group:default/platform");
        assertThat(roles.enrich(caller("bob", "bob@example.com")).join().identity().groups())
                .containsExactly("user:default/bob", "group:default/sales");
        assertThat(demo.routedEntities()).singleElement().satisfies(echo -> {
            assertThat(echo.owner()).isEqualTo("group:default/sre");
            assertThat(echo.ownerMembers()).containsExactly("user:default/alice");
            assertThat(echo.annotations()).containsEntry("drawbridge.io/allow", "owners")
                    .containsKeys("drawbridge.io/upstream", "drawbridge.io/path");
        });
    }

    @Test
    void aMissingClasspathResourceIsUnavailable() {
        assertThatThrownBy(() -> FileCatalog.at("classpath:dev/catalog/nothing.yaml", clock).userByName("a"))
                .isInstanceOf(CatalogUnavailable.class);
    }

    static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
