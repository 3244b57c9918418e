package io.drawbridge.identity;

import io.drawbridge.identity.StandInBackstage.Reply;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.drawbridge.identity.Recorded.ALICE;
import static io.drawbridge.identity.Recorded.ALICE_BY_EMAIL;
import static io.drawbridge.identity.Recorded.BY_NAME_ALICE;
import static io.drawbridge.identity.Recorded.BY_QUERY;
import static io.drawbridge.identity.Recorded.BY_REFS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Backstage catalog client against a stand-in server: what it asks, what it reads, what it refuses. */
class BackstageCatalogTest {

    final StandInBackstage backstage = StandInBackstage.start();
    final BackstageCatalog catalog = backstage.catalog(Duration.ofMillis(500));
    final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void stop() {
        backstage.close();
    }

    static String decoded(String query) {
        return URLDecoder.decode(query, StandardCharsets.UTF_8);
    }

    @Test
    void findsAUserByEmailWithTheGroupsOfItsRelations() {
        backstage.on("GET", BY_QUERY, (query, body) -> Reply.json(ALICE_BY_EMAIL));

        CatalogUser alice = catalog.userByEmail("Alice@Example.com").orElseThrow();

        assertThat(alice.ref()).hasToString("user:default/alice");
        assertThat(alice.email()).isEqualTo("alice@example.com");
        assertThat(alice.memberOf()).containsExactly("group:default/sre");
        StandInBackstage.Request request = backstage.requests().get(0);
        assertThat(request.authorization()).isEqualTo("Bearer " + StandInBackstage.TOKEN);
        assertThat(decoded(request.query())).contains("filter=kind=user,spec.profile.email=Alice@Example.com")
                .contains("fields=kind,metadata.name,metadata.namespace,spec.profile.email,spec.memberOf,relations");
    }

    @Test
    void findsAUserByNameInTheDefaultNamespace() {
        backstage.on("GET", BY_NAME_ALICE, (query, body) -> Reply.json(ALICE));

        assertThat(catalog.userByName("alice").orElseThrow().memberOf()).containsExactly("group:default/sre");
    }

    @Test
    void anUnknownUserIsEmptyNotAFailure() {
        backstage.on("GET", BY_QUERY, (query, body) -> Reply.json(Recorded.NOBODY));
        backstage.on("GET", "/api/catalog/entities/by-name/user/default/mallory",
                (query, body) -> new Reply(404, Recorded.NOT_FOUND));

        assertThat(catalog.userByEmail("mallory@example.com")).isEmpty();
        assertThat(catalog.userByName("mallory")).isEmpty();
    }

    @Test
    void neverAsksForWhatNoEntityCanBe() {
        assertThat(catalog.userByName("../../by-uid/x")).isEmpty();
        assertThat(catalog.userByName("a b")).isEmpty();
        assertThat(catalog.userByEmail("a@example.com,kind=group")).isEmpty(); // would add filter conditions
        assertThat(catalog.userByEmail("a=b@example.com")).isEmpty();
        assertThat(backstage.requests()).isEmpty();
    }

    @Test
    void ignoresAnItemWhoseEmailIsNotTheOneAskedFor() {
        backstage.on("GET", BY_QUERY, (query, body) -> Reply.json(ALICE_BY_EMAIL));

        assertThat(catalog.userByEmail("alicia@example.com")).isEmpty();
    }

    @Test
    void refusesAnEmailSharedByTwoUsers() {
        backstage.on("GET", BY_QUERY, (query, body) -> Reply.json("{\"items\":[" + ALICE + ","
                + ALICE.replace("\"alice\",\"namespace\"", "\"alice2\",\"namespace\"") + "],\"pageInfo\":{}}"));

        assertThat(catalog.userByEmail("alice@example.com")).isEmpty();
    }

    @Test
    void followsNextCursorUntilTheLastPage() {
        backstage.on("GET", BY_QUERY, (query, body) -> Reply.json(query.contains("cursor=page-2")
                ? ALICE_BY_EMAIL : "{\"items\":[],\"pageInfo\":{\"nextCursor\":\"page-2\"}}"));

        assertThat(catalog.userByEmail("alice@example.com")).isPresent();

        List<StandInBackstage.Request> requests = backstage.requests();
        assertThat(requests).hasSize(2);
        assertThat(decoded(requests.get(1).query())).startsWith("cursor=page-2&").doesNotContain("filter=")
                .contains("fields=");
    }

    @Test
    void refusesACursorThatComesBack() {
        backstage.on("GET", BY_QUERY, (query, body) -> Reply.json(
                "{\"items\":[],\"pageInfo\":{\"nextCursor\":\"again\"}}"));

        assertThatThrownBy(() -> catalog.userByEmail("alice@example.com")).isInstanceOf(CatalogUnavailable.class);
        assertThat(backstage.requests()).hasSize(2);
    }

    @Test
    void readsParentsFromChildOfAndSpecParentInRequestOrder() {
        backstage.on("POST", BY_REFS, (query, body) -> Reply.json(Recorded.byRefs(body)));

        Map<String, Set<String>> parents = catalog.parentsOf(new java.util.LinkedHashSet<>(List.of(
                "group:default/sre", "group:default/platform", "group:default/ghosts")));

        assertThat(parents).containsExactly(Map.entry("group:default/sre", Set.of("group:default/platform")),
                Map.entry("group:default/platform", Set.of()), Map.entry("group:default/ghosts", Set.of()));
    }

    @Test
    void listsRoutedEntitiesWithTheMembersOfTheOwnerGroup() {
        backstage.on("GET", BY_QUERY, (query, body) -> Reply.json("""
                {"items":[{"kind":"Component","metadata":{"name":"grafana","namespace":"default","annotations":{
                "backstage.io/managed-by-location":"file:/x.yaml","drawbridge.io/path":"/grafana",
                "drawbridge.io/upstream":"http://127.0.0.1:13001","drawbridge.io/allow":"owners"}},
                "spec":{"owner":"sre"},"relations":[{"type":"ownedBy","targetRef":"group:default/sre"}]},
                {"kind":"Component","metadata":{"name":"notebook","namespace":"default","annotations":{
                "drawbridge.io/path":"/notebook"}},"spec":{"owner":"user:carol"},
                "relations":[{"type":"ownedBy","targetRef":"user:default/carol"}]}],"pageInfo":{}}"""));
        backstage.on("POST", BY_REFS, (query, body) -> Reply.json(Recorded.byRefs(body)));

        List<RoutedEntity> routed = catalog.routedEntities();

        assertThat(routed).containsExactly(
                new RoutedEntity("component:default/grafana", Map.of("drawbridge.io/path", "/grafana",
                        "drawbridge.io/upstream", "http://127.0.0.1:13001", "drawbridge.io/allow", "owners"),
                        "group:default/sre", Set.of("user:default/alice", "user:default/erin")),
                new RoutedEntity("component:default/notebook", Map.of("drawbridge.io/path", "/notebook"),
                        "user:default/carol", Set.of("user:default/carol")));
        assertThat(decoded(backstage.requests().get(0).query()))
                .contains("filter=kind=component,metadata.annotations.drawbridge.io/upstream")
                .contains("filter=kind=resource,metadata.annotations.drawbridge.io/allow");
    }

    static Stream<Arguments> failures() {
        String big = "{\"items\":[],\"pad\":\"" + "x".repeat(BackstageApi.MAX_BODY) + "\"}";
        return Stream.of(
                Arguments.of("status 500", new Reply(500, "{\"error\":{}}")),
                Arguments.of("status 503", new Reply(503, "")),
                Arguments.of("status 401 (token refused)", new Reply(401, "{\"error\":{\"name\":\"AuthenticationError\"}}")),
                Arguments.of("status 404 on a query", new Reply(404, Recorded.NOT_FOUND)),
                Arguments.of("redirect", new Reply(302, "")),
                Arguments.of("empty body", new Reply(200, "")),
                Arguments.of("cut-off JSON", Reply.json(ALICE_BY_EMAIL.substring(0, 60))),
                Arguments.of("trailing garbage", Reply.json(ALICE_BY_EMAIL + " }")),
                Arguments.of("HTML", Reply.json("<html><body>Bad gateway</body></html>")),
                Arguments.of("not an object", Reply.json("[]")),
                Arguments.of("no items", Reply.json("{\"pageInfo\":{}}")),
                Arguments.of("items not a list", Reply.json("{\"items\":{}}")),
                Arguments.of("an item not an object", Reply.json("{\"items\":[\"alice\"]}")),
                Arguments.of("relations not a list", Reply.json(ALICE_BY_EMAIL.replace("\"relations\":[",
                        "\"relations\":{\"x\":").replace("}]}]", "}}}]"))),
                Arguments.of("relation without targetRef", Reply.json(ALICE_BY_EMAIL.replace("targetRef", "target"))),
                Arguments.of("a group where a user should be", Reply.json(ALICE_BY_EMAIL.replace("\"User\"",
                        "\"Group\""))),
                Arguments.of("an entity without a name", Reply.json(ALICE_BY_EMAIL.replace("\"name\":\"alice\",",
                        ""))),
                Arguments.of("a cursor that is not text", Reply.json("{\"items\":[],\"pageInfo\":{\"nextCursor\":1}}")),
                Arguments.of("over the size limit", Reply.json(big)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void anAnswerItCannotUseIsAFailureNeverAnEmptyAnswer(String name, Reply reply) {
        backstage.on("GET", BY_QUERY, (query, body) -> reply);

        assertThatThrownBy(() -> catalog.userByEmail("alice@example.com")).isInstanceOf(CatalogUnavailable.class);
    }

    @Test
    void aByRefsAnswerOfTheWrongLengthIsAFailure() {
        backstage.on("POST", BY_REFS, (query, body) -> Reply.json("{\"items\":[]}"));

        assertThatThrownBy(() -> catalog.parentsOf(Set.of("group:default/sre")))
                .isInstanceOf(CatalogUnavailable.class).hasMessageContaining("0 items for 1 refs");
    }

    @Test
    void aSlowCatalogIsAFailure() {
        backstage.on("GET", BY_QUERY, (query, body) -> {
            never.await(); // until the stand-in closes
            return Reply.json(ALICE_BY_EMAIL);
        });

        assertThatThrownBy(() -> catalog.userByEmail("alice@example.com")).isInstanceOf(CatalogUnavailable.class)
                .hasMessageContaining("no answer within 500 ms");
    }

    @Test
    void aCatalogThatIsDownIsAFailure() {
        backstage.close();

        assertThatThrownBy(() -> catalog.userByEmail("alice@example.com")).isInstanceOf(CatalogUnavailable.class);
        assertThatThrownBy(() -> catalog.userByName("alice")).isInstanceOf(CatalogUnavailable.class);
        assertThatThrownBy(() -> catalog.parentsOf(Set.of("group:default/sre")))
                .isInstanceOf(CatalogUnavailable.class);
    }

    @Test
    void neverShowsTheToken() {
        backstage.on("GET", BY_QUERY, (query, body) -> new Reply(500, "{}"));

        assertThatThrownBy(() -> catalog.userByEmail("alice@example.com"))
                .hasMessageNotContaining(StandInBackstage.TOKEN);
        assertThat(catalog.toString()).doesNotContain(StandInBackstage.TOKEN);
    }
}
