package io.drawbridge.edge;

import io.drawbridge.config.IdentityHeadersConfig;
import io.drawbridge.config.ServerConfig;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which route a host and a normalized path go to. The consumers are real {@code gateway:} consumers on an
 * unstarted context and a listener that is never bound: the table only keeps them, it does not run them.
 * Hosts reach {@link RouteTable#match} lower-cased and without port (the connection handler does that).
 */
class RouteTableTest {

    private static DefaultCamelContext context;
    private static GatewayComponent component;

    @BeforeAll
    static void createComponent() {
        context = new DefaultCamelContext();
        var listener = new HttpListener(ServerConfig.defaults(), IdentityHeadersConfig.defaults(), null, null);
        component = new GatewayComponent(listener);
        component.setCamelContext(context);
    }

    @AfterAll
    static void closeContext() throws Exception {
        context.close();
    }

    private final RouteTable table = new RouteTable();

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', nullValues = "<none>", textBlock = """
            the prefix itself                  | /echo          | echo
            the prefix with a slash            | /echo/         | echo
            below the prefix                   | /echo/x        | echo
            far below the prefix               | /echo/x/y/z    | echo
            a longer name is another segment   | /echoes        | <none>
            a longer name below                | /echoes/x      | <none>
            a shorter name                     | /ech           | <none>
            another case                       | /Echo          | <none>
            the root                           | /              | <none>
            """)
    void matchesPrefixesOnWholeSegments(String row, String path, String expected) {
        table.add(null, "/echo", consumer("echo"));

        assertThat(routeOf(table.match("gw.example.com", path))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            the root itself              | /
            any path                     | /anything/at/all
            a name next to a prefix      | /apix
            """)
    void rootCatchesWhatNoOtherPrefixMatches(String row, String path) {
        table.add(null, "/", consumer("root"));
        table.add(null, "/api", consumer("api"));

        assertThat(routeOf(table.match("gw.example.com", path))).isEqualTo("root");
        assertThat(routeOf(table.match("gw.example.com", "/api/x"))).isEqualTo("api");
    }

    @Test
    void longestPrefixWinsWhateverTheOrderOfRegistration() {
        table.add(null, "/api", consumer("api"));
        table.add(null, "/api/v1/admin", consumer("admin"));
        table.add(null, "/", consumer("root"));
        table.add(null, "/api/v1", consumer("v1"));

        assertThat(routeOf(table.match("h", "/api/v1/admin/users"))).isEqualTo("admin");
        assertThat(routeOf(table.match("h", "/api/v1/users"))).isEqualTo("v1");
        assertThat(routeOf(table.match("h", "/api/v2"))).isEqualTo("api");
        assertThat(routeOf(table.match("h", "/other"))).isEqualTo("root");
    }

    @Test
    void matchReportsTheNormalizedPrefix() {
        table.add(null, "api/v1/", consumer("v1"));

        RouteTable.Match match = table.match("h", "/api/v1/x");

        assertThat(match.prefix()).isEqualTo("/api/v1");
        assertThat(match.consumer().getRouteId()).isEqualTo("v1");
    }

    @Test
    void hostSpecificRouteBeatsAnyHostEvenWithAShorterPrefix() {
        table.add(null, "/app/api", consumer("any-host"));
        table.add("grafana.example.com", "/", consumer("grafana"));

        assertThat(routeOf(table.match("grafana.example.com", "/app/api/x"))).isEqualTo("grafana");
        assertThat(routeOf(table.match("other.example.com", "/app/api/x"))).isEqualTo("any-host");
        assertThat(routeOf(table.match("other.example.com", "/"))).isNull();
    }

    @Test
    void exactHostBeatsWildcardHost() {
        table.add("*.example.com", "/api", consumer("wildcard"));
        table.add("a.example.com", "/", consumer("exact"));

        assertThat(routeOf(table.match("a.example.com", "/api"))).isEqualTo("exact");
        assertThat(routeOf(table.match("b.example.com", "/api"))).isEqualTo("wildcard");
    }

    @Test
    void registeredHostIsMatchedWithoutLetterCase() {
        table.add("Grafana.Example.COM", "/", consumer("grafana"));

        assertThat(routeOf(table.match("grafana.example.com", "/"))).isEqualTo("grafana");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', nullValues = "<none>", textBlock = """
            one label                          | a.example.com          | wildcard
            several labels                     | a.b.example.com        | wildcard
            the bare domain                    | example.com            | <none>
            an empty label                     | .example.com           | <none>
            a suffix without the dot           | badexample.com         | <none>
            the domain inside another          | a.example.com.evil.net | <none>
            another domain                     | a.example.org          | <none>
            """)
    void wildcardHostMatchesSubdomainsOnly(String row, String host, String expected) {
        table.add("*.example.com", "/", consumer("wildcard"));

        assertThat(routeOf(table.match(host, "/x"))).isEqualTo(expected);
    }

    @Test
    void blankHostMeansAnyHost() {
        table.add(" ", "/a", consumer("blank"));
        table.add("", "/b", consumer("empty"));

        assertThat(routeOf(table.match("whatever.example", "/a"))).isEqualTo("blank");
        assertThat(routeOf(table.match("", "/b"))).isEqualTo("empty");
    }

    @Test
    void hostSpecificRouteDoesNotServeARequestWithoutHost() {
        table.add("a.example.com", "/", consumer("a"));

        assertThat(table.match("", "/")).isNull();
    }

    @ParameterizedTest(name = "{0}: {1} {2} then {3} {4}")
    @CsvSource(delimiter = '|', nullValues = "<any>", textBlock = """
            same prefix, any host                 | <any>         | /echo  | <any>         | /echo
            same prefix after normalization       | <any>         | /echo/ | <any>         | echo
            same host in another case             | A.example.com | /x     | a.example.com | /x
            same wildcard                         | *.example.com | /      | *.example.com | /
            """)
    void rejectsASecondConsumerOnTheSameHostAndPrefix(String row, String host1, String prefix1, String host2,
                                                     String prefix2) {
        table.add(host1, prefix1, consumer("first"));

        assertThatThrownBy(() -> table.add(host2, prefix2, consumer("second")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("first")
                .hasMessageContaining("second");
        assertThat(table.entries()).extracting(e -> e.consumer().getRouteId()).containsExactly("first");
    }

    @Test
    void samePrefixOnDifferentHostsIsNoConflict() {
        table.add(null, "/echo", consumer("any"));
        table.add("a.example.com", "/echo", consumer("a"));
        table.add("*.example.com", "/echo", consumer("wild"));

        assertThat(table.entries()).hasSize(3);
        assertThat(routeOf(table.match("a.example.com", "/echo"))).isEqualTo("a");
        assertThat(routeOf(table.match("b.example.com", "/echo"))).isEqualTo("wild");
        assertThat(routeOf(table.match("example.com", "/echo"))).isEqualTo("any");
    }

    @Test
    void sameConsumerRegisteringAgainReplacesItsEntry() {
        GatewayConsumer echo = consumer("echo");
        table.add(null, "/old", echo);
        table.add(null, "/new", echo);

        assertThat(table.entries()).hasSize(1);
        assertThat(table.match("h", "/old")).isNull();
        assertThat(routeOf(table.match("h", "/new"))).isEqualTo("echo");
    }

    @Test
    void removedConsumerNoLongerMatchesAndOthersStay() {
        GatewayConsumer api = consumer("api");
        table.add(null, "/", consumer("root"));
        table.add(null, "/api", api);

        table.remove(api);

        assertThat(routeOf(table.match("h", "/api/x"))).isEqualTo("root");
        assertThat(table.entries()).extracting(e -> e.consumer().getRouteId()).containsExactly("root");
    }

    @Test
    void removingFreesTheHostAndPrefixForAnotherConsumer() {
        GatewayConsumer first = consumer("first");
        table.add(null, "/echo", first);
        table.remove(first);

        table.add(null, "/echo", consumer("second"));

        assertThat(routeOf(table.match("h", "/echo"))).isEqualTo("second");
    }

    @Test
    void removingAnUnknownConsumerChangesNothing() {
        table.add(null, "/echo", consumer("echo"));

        table.remove(consumer("stranger"));

        assertThat(routeOf(table.match("h", "/echo"))).isEqualTo("echo");
    }

    @Test
    void emptyTableMatchesNothing() {
        assertThat(table.match("h", "/")).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "<null>", textBlock = """
            <null>         | /
            ''             | /
            /              | /
            echo           | /echo
            /echo/         | /echo
            /echo//        | /echo
            /a/./b         | /a/b
            /a/x/../b      | /a/b
            /%7eme         | /~me
            """)
    void normalizesPrefixesLikePaths(String prefix, String normalized) {
        assertThat(RouteTable.normalizePrefix(prefix)).isEqualTo(normalized);
    }

    @Test
    void prefixEndingInADotSegmentMatchesLikeItsResolvedForm() {
        assertThat(RouteTable.normalizePrefix("/a/b/..")).isEqualTo("/a");
        assertThat(RouteTable.normalizePrefix("/a/.")).isEqualTo("/a");
        table.add(null, "/a/b/..", consumer("a"));

        assertThat(routeOf(table.match("h", "/a/x"))).isEqualTo("a");
    }

    private static GatewayConsumer consumer(String routeId) {
        var endpoint = new GatewayEndpoint("gateway:/" + routeId, component, "/" + routeId);
        var consumer = new GatewayConsumer(endpoint, exchange -> { });
        consumer.setRouteId(routeId);
        return consumer;
    }

    private static String routeOf(RouteTable.Match match) {
        return match == null ? null : match.consumer().getRouteId();
    }
}
