package io.drawbridge.edge;

import io.drawbridge.config.IdentityHeadersConfig;
import io.drawbridge.config.ServerConfig;
import java.util.List;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While a route is replaced (hot reload), its requests wait for the new route instead of being answered 404 or
 * falling through to a shorter prefix with another policy; nothing else waits.
 */
class RouteTableSwapTest {

    private static DefaultCamelContext context;
    private static GatewayComponent component;

    private final RouteTable table = new RouteTable();

    @BeforeAll
    static void createComponent() {
        context = new DefaultCamelContext();
        component = new GatewayComponent(new HttpListener(ServerConfig.defaults(), IdentityHeadersConfig.defaults(),
                null, null));
        component.setCamelContext(context);
    }

    @AfterAll
    static void closeContext() throws Exception {
        context.close();
    }

    @Test
    void nothingWaitsWhenNoRouteIsBeingReplaced() {
        var app = consumer("app", "/app");
        table.add(null, "/app", app);

        assertThat(table.awaitingReplacement("gw", "/app/x", table.match("gw", "/app/x"))).isFalse();
        assertThat(table.awaitingReplacement("gw", "/none", null)).isFalse();
    }

    @Test
    void aRequestWaitsWhileItsRouteHasLeftTheTable() {
        var app = consumer("app", "/app");
        table.add(null, "/app", app);

        table.beginSwap(List.of("app"));
        table.remove(app);

        assertThat(table.match("gw", "/app/x")).isNull();
        assertThat(table.awaitingReplacement("gw", "/app/x", null)).isTrue();
        assertThat(table.awaitingReplacement("gw", "/other", null)).isFalse();
        table.endSwap(List.of("app"));
        assertThat(table.awaitingReplacement("gw", "/app/x", null)).isFalse();
    }

    @Test
    void aRequestDoesNotFallThroughToAShorterPrefixDuringTheSwap() {
        var root = consumer("root", "/");
        var admin = consumer("admin", "/admin");
        table.add(null, "/", root);
        table.add(null, "/admin", admin);

        table.beginSwap(List.of("admin"));
        table.remove(admin);

        RouteTable.Match fallback = table.match("gw", "/admin/users");
        assertThat(fallback.consumer().getRouteId()).isEqualTo("root");
        assertThat(table.awaitingReplacement("gw", "/admin/users", fallback)).isTrue();
        assertThat(table.awaitingReplacement("gw", "/public", table.match("gw", "/public"))).isFalse();
    }

    @Test
    void aHostRouteBeingReplacedHoldsOnlyItsHost() {
        var tenant = consumer("tenant", "/");
        table.add("a.example.com", "/", tenant);

        table.beginSwap(List.of("tenant"));
        table.remove(tenant);

        assertThat(table.awaitingReplacement("a.example.com", "/x", null)).isTrue();
        assertThat(table.awaitingReplacement("b.example.com", "/x", null)).isFalse();
    }

    private static GatewayConsumer consumer(String routeId, String prefix) {
        var consumer = new GatewayConsumer(new GatewayEndpoint("gateway:" + prefix, component, prefix), exchange -> { });
        consumer.setRouteId(routeId);
        return consumer;
    }
}
