package io.drawbridge.deploy;

import com.networknt.schema.JsonSchema;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every YAML route a user may copy (routes/, the ConfigMaps in deploy/, the examples of the README and docs/)
 * against the JSON schema camel-yaml-dsl ships. {@code DeployedRoutesIT} then builds each one in a running gateway.
 */
class RouteSchemaTest {

    private static final JsonSchema YAML_DSL = Schemas.camelYamlDsl();

    static List<DeployFiles.RouteSource> routes() {
        return DeployFiles.routeSources();
    }

    @ParameterizedTest
    @MethodSource("routes")
    void isValidCamelYamlDsl(DeployFiles.RouteSource route) {
        assertThat(Schemas.problems(YAML_DSL, DeployFiles.parse(route.yaml()))).as(route.name()).isEmpty();
    }

    @Test
    void findsTheRoutesOfEveryPlace() {
        assertThat(routes()).extracting(DeployFiles.RouteSource::name)
                .anyMatch(n -> n.startsWith("routes/"))
                .anyMatch(n -> n.startsWith("deploy/kubernetes/"))
                .anyMatch(n -> n.startsWith("deploy/camel-k/"))
                .anyMatch(n -> n.startsWith("README.md"))
                .anyMatch(n -> n.startsWith("docs/guides/"));
    }

    @Test
    void aMisspelledStepIsRefused() {
        var broken = DeployFiles.parse("""
                - route:
                    from:
                      uri: gateway:/x
                      steps:
                        - too: drawbridge:authenticate
                """);
        assertThat(Schemas.problems(YAML_DSL, broken)).isNotEmpty();
    }
}
