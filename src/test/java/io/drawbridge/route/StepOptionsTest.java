package io.drawbridge.route;

import io.drawbridge.EndpointOption;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The steps' declared options are the endpoint's: same names, same defaults, and URIs are checked against them. */
class StepOptionsTest {

    static Stream<Arguments> options() {
        return Stream.of(Step.values()).flatMap(s -> s.options().stream().map(o -> Arguments.of(s, o)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("options")
    void aFreshEndpointHoldsTheDeclaredDefault(Step step, EndpointOption option) throws Exception {
        var endpoint = new DrawbridgeEndpoint("drawbridge:" + step.uriName(), new DrawbridgeComponent(null), step);
        Field field = DrawbridgeEndpoint.class.getDeclaredField(option.name());
        field.setAccessible(true);
        Object value = field.get(endpoint);
        assertThat(value == null ? null : String.valueOf(value)).isEqualTo(option.defaultValue());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("options")
    void everyOptionCanBeSet(Step step, EndpointOption option) {
        String setter = "set" + Character.toUpperCase(option.name().charAt(0)) + option.name().substring(1);
        assertThat(Stream.of(DrawbridgeEndpoint.class.getMethods()).map(m -> m.getName())).contains(setter);
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void anUndeclaredParameterIsRefusedNamingTheDeclaredOnes(Step step) {
        assertThatThrownBy(() -> EndpointOption.check("drawbridge:" + step.uriName(), "drawbridge:x?colour=red",
                step.options(), Map.of("colour", "red")))
                .hasMessageStartingWith("drawbridge:" + step.uriName() + " has no parameter 'colour'");
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void aChoiceOutsideItsValuesAndAMissingRequiredOptionAreRefused(Step step) {
        for (EndpointOption option : step.options()) {
            if (!option.values().isEmpty()) {
                assertThatThrownBy(() -> EndpointOption.check("drawbridge:" + step.uriName(), "u", step.options(),
                        Map.of(option.name(), "neither"))).hasMessageContaining(option.name() + " must be "
                        + String.join(" or ", option.values()) + ", not 'neither'");
            }
            if (option.required()) {
                assertThatThrownBy(() -> EndpointOption.check("drawbridge:" + step.uriName(), "u", step.options(),
                        Map.of())).hasMessageStartingWith("drawbridge:" + step.uriName() + " needs " + option.name());
            }
        }
    }
}
