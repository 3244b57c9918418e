package io.drawbridge.config;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static io.drawbridge.config.Fixtures.loadYaml;
import static io.drawbridge.config.Fixtures.problemsInResource;
import static io.drawbridge.config.Fixtures.problemsInYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

class EnvironmentPlaceholdersTest {

    private static final String SECRET = "s3cr3t-Pa55word";

    private static String property(String yamlValue, Map<String, String> env) {
        return loadYaml("properties:\n  p: " + yamlValue + "\n", env).properties().get("p");
    }

    @Test
    void replacesAVariableThatIsSet() {
        assertThat(property("${DB_PASSWORD}", Map.of("DB_PASSWORD", SECRET))).isEqualTo(SECRET);
        assertThat(property("jdbc:${HOST}:${PORT}/db", Map.of("HOST", "db", "PORT", "5432")))
                .isEqualTo("jdbc:db:5432/db");
    }

    @Test
    void usesTheDefaultWhenTheVariableIsUnsetOrEmpty() {
        assertThat(property("${HOST:-localhost}", Map.of())).isEqualTo("localhost");
        assertThat(property("${HOST:-localhost}", Map.of("HOST", ""))).isEqualTo("localhost");
        assertThat(property("${HOST:-localhost}", Map.of("HOST", "db"))).isEqualTo("db");
        assertThat(property("'${HOST:-}'", Map.of())).isEmpty();
    }

    @Test
    void anEmptyVariableWithoutDefaultIsEmpty() {
        assertThat(property("'${HOST}'", Map.of("HOST", ""))).isEmpty();
    }

    @Test
    void doubleDollarIsALiteralPlaceholder() {
        assertThat(property("$${HOST}", Map.of("HOST", "db"))).isEqualTo("${HOST}");
        assertThat(property("'cost: $5, ${A}'", Map.of("A", "x"))).isEqualTo("cost: $5, x");
    }

    @Test
    void aValueWithYamlSyntaxStaysOnePlainString() {
        String yamlish = "a: b\n- c\n{d: [e]}\n# f";

        GatewayConfig config = loadYaml("properties:\n  p: ${V}\nroutes: ['file:${V}']\n", Map.of("V", yamlish));

        assertThat(config.properties()).containsOnly(Map.entry("p", yamlish));
        assertThat(config.routes()).containsExactly("file:" + yamlish);
    }

    @Test
    void aSubstitutedValueIsBoundToTheFieldsType() {
        GatewayConfig config = loadYaml("server:\n  port: ${PORT}\nupstreams:\n  connectTimeout: ${CT:-3s}\n",
                Map.of("PORT", "9090"));

        assertThat(config.server().port()).isEqualTo(9090);
        assertThat(config.upstreams().connectTimeout()).hasSeconds(3);
    }

    @Test
    void keysAreNeverSubstituted() {
        assertThat(loadYaml("properties:\n  ${KEY}: v\n", Map.of("KEY", "k")).properties())
                .containsOnlyKeys("${KEY}");
    }

    @Test
    void aMissingVariableNamesTheVariableAndTheField() {
        List<ConfigProblem> problems = problemsInYaml(
                "server:\n  host: 0.0.0.0\nissuers:\n  - name: kc\n    issuer: ${ISSUER_URL}\n", Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field, ConfigProblem::message)
                .containsExactly(tuple(5, "issuers[0].issuer",
                        "environment variable ISSUER_URL is not set (write ${ISSUER_URL:-default} to give a default)"));
    }

    @Test
    void reportsEveryMissingVariableOfOneValue() {
        List<ConfigProblem> problems = problemsInYaml("properties:\n  url: ${A}:${B}\n", Map.of());

        assertThat(problems).extracting(ConfigProblem::message).allMatch(m -> m.startsWith("environment variable"))
                .anyMatch(m -> m.contains(" A ")).anyMatch(m -> m.contains(" B "));
    }

    @Test
    void reportsEveryPlaceholderProblemOnceEach() {
        List<ConfigProblem> problems = problemsInResource("invalid-placeholders.yaml", Map.of("DRAWBRIDGE_PORT", "http"));

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field, ConfigProblem::message)
                .containsExactly(
                        tuple(3, "server.port", "the value of ${DRAWBRIDGE_PORT} is not a whole number"),
                        tuple(4, "server.host", "environment variable DRAWBRIDGE_HOST is not set"
                                + " (write ${DRAWBRIDGE_HOST:-default} to give a default)"),
                        tuple(6, "properties.a", "'${NOT-A-NAME}' is not a placeholder: write ${NAME} or"
                                + " ${NAME:-default} (letters, digits and _), or $${ for a literal ${"),
                        tuple(7, "properties.b", "unclosed placeholder '${': write ${NAME}, or $${ for a literal ${"));
    }

    @Test
    void aResolvedValueIsNeverInAMessage() {
        ConfigCheck careless = (config, problems) ->
                problems.add("properties.password", "rejected '" + config.properties().get("password") + "'");

        InvalidConfiguration e = catchThrowableOfType(InvalidConfiguration.class, () -> loadYaml(
                "server:\n  port: ${SECRET}\nproperties:\n  password: ${SECRET}\n", Map.of("SECRET", SECRET),
                careless));

        assertThat(e.problems()).extracting(ConfigProblem::line, ConfigProblem::field, ConfigProblem::message)
                .containsExactly(
                        tuple(2, "server.port", "the value of ${SECRET} is not a whole number"),
                        tuple(4, "properties.password", "rejected '***' (value from ${SECRET})"));
        assertThat(e.getMessage()).doesNotContain(SECRET);
        assertThat(e).hasNoCause();
    }

    @Test
    void aResolvedSecretIsNotInTheConfigurationsToString() {
        GatewayConfig config = loadYaml("properties:\n  password: ${SECRET}\naudit:\n  endpoint: kafka:audit?"
                + "saslJaasConfig=${SECRET}\n", Map.of("SECRET", SECRET));

        assertThat(config.properties().get("password")).isEqualTo(SECRET);
        assertThat(config.toString()).doesNotContain(SECRET).contains("password=***", "endpoint=kafka:***");
    }
}
