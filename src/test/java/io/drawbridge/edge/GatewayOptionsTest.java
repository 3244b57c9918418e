package io.drawbridge.edge;

import io.drawbridge.EndpointOption;
import java.lang.reflect.Field;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code gateway:}'s declared options are the endpoint's: same names and defaults, and each can be set. */
class GatewayOptionsTest {

    static Stream<EndpointOption> options() {
        return GatewayEndpoint.OPTIONS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void aFreshEndpointHoldsTheDeclaredDefault(EndpointOption option) throws Exception {
        var endpoint = new GatewayEndpoint("gateway:/app", new GatewayComponent(null), "/app");
        Field field = GatewayEndpoint.class.getDeclaredField(option.name());
        field.setAccessible(true);
        Object value = field.get(endpoint);
        assertThat(value == null ? null : String.valueOf(value)).isEqualTo(option.defaultValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void everyOptionCanBeSet(EndpointOption option) {
        String setter = "set" + Character.toUpperCase(option.name().charAt(0)) + option.name().substring(1);
        assertThat(Stream.of(GatewayEndpoint.class.getMethods()).map(m -> m.getName())).contains(setter);
    }

    @Test
    void aBufferedBodyIsLimitedTo64KiBOr1MiBOnAnMcpRouteUnlessSet() {
        var endpoint = new GatewayEndpoint("gateway:/app", new GatewayComponent(null), "/app");
        assertThat(endpoint.getMaxBufferedBody()).isEqualTo(64 * 1024);
        endpoint.setMcp(true);
        assertThat(endpoint.getMaxBufferedBody()).isEqualTo(1024 * 1024);
        endpoint.setMaxBufferedBody(4096);
        assertThat(endpoint.getMaxBufferedBody()).isEqualTo(4096);
    }
}
