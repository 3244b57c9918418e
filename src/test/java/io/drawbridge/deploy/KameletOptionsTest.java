package io.drawbridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.EndpointOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Kamelet that wraps a {@code gateway:} or {@code drawbridge:} endpoint offers each of the endpoint's options
 * as a property of the same name, type, default, choices and required-ness as the endpoint declares
 * ({@code GatewayEndpoint.OPTIONS}, {@code Step}): the Kamelets cannot drift from the steps.
 */
class KameletOptionsTest {

    static Stream<KameletEndpoints.Use> uses() {
        return KameletEndpoints.all().stream();
    }

    @Test
    void everyStepAndTheListenerHaveAKamelet() {
        assertThat(uses().map(KameletEndpoints.Use::endpoint)).contains("gateway:", "drawbridge:authenticate",
                "drawbridge:enrich", "drawbridge:authorize", "drawbridge:decide", "drawbridge:proxy");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uses")
    void passesEveryOptionOnUnderItsOwnName(KameletEndpoints.Use use) {
        assertThat(use.parameters().keySet()).as(use.kamelet() + " → " + use.endpoint())
                .containsExactlyInAnyOrderElementsOf(use.options().stream().map(EndpointOption::name).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uses")
    void declaresEachOptionAsTheEndpointDoes(KameletEndpoints.Use use) {
        JsonNode properties = use.definition().path("properties");
        Set<String> required = new HashSet<>();
        use.definition().path("required").forEach(r -> required.add(r.asText()));
        List<String> problems = new ArrayList<>();
        for (EndpointOption option : use.options()) {
            String name = option.name();
            JsonNode property = properties.path(name);
            if (property.isMissingNode()) {
                problems.add(name + ": no property");
                continue;
            }
            boolean optional = option.defaultValue() == null && !option.required();
            String placeholder = optional ? "{{?" + name + "}}" : "{{" + name + "}}";
            if (!placeholder.equals(use.parameters().get(name))) {
                problems.add(name + ": passed as " + use.parameters().get(name) + ", expected " + placeholder);
            }
            if (!property.path("type").asText().equals(option.type().schema())) {
                problems.add(name + ": type " + property.path("type").asText() + ", declared "
                        + option.type().schema());
            }
            String declaredDefault = property.has("default") ? property.get("default").asText() : null;
            if (!Objects.equals(declaredDefault, option.defaultValue())) {
                problems.add(name + ": default " + declaredDefault + ", declared " + option.defaultValue());
            }
            if (required.contains(name) != option.required()) {
                problems.add(name + ": required " + required.contains(name) + ", declared " + option.required());
            }
            List<String> choices = new ArrayList<>();
            property.path("enum").forEach(v -> choices.add(v.asText()));
            if (!choices.equals(option.values())) {
                problems.add(name + ": enum " + choices + ", declared " + option.values());
            }
        }
        assertThat(problems).as(use.file().getFileName().toString()).isEmpty();
    }
}
