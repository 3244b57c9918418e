package io.drawbridge.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static io.drawbridge.config.Fixtures.loadYaml;
import static io.drawbridge.config.Fixtures.problemsInYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Problems a stage's check reports by field path land on the line of that field in the file. */
class ConfigCheckLinesTest {

    private static final String YAML = """
            # issuers and policies, as other stages check them
            issuers:
              - name: keycloak
                issuer: https://id.example.com
                audiences: []
              - name: keycloak
                issuer: https://other.example.com
            policies:
              sre-only:
                allow:
                  - groups: [sre]
                  - users: [alice]
                    groups: []
            """;

    private static ConfigCheck reporting(String field, String message) {
        return (config, problems) -> problems.add(field, message);
    }

    @Test
    void mapsAReportedFieldToItsLine() {
        List<ConfigProblem> problems = problemsInYaml(YAML, Map.of(),
                reporting("issuers[0].audiences", "at least one audience is required"),
                reporting("policies.sre-only.allow[1].groups", "an empty list matches nobody"));

        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "drawbridge.yaml:5: issuers[0].audiences: at least one audience is required",
                "drawbridge.yaml:13: policies.sre-only.allow[1].groups: an empty list matches nobody");
    }

    @Test
    void fallsBackToTheNearestParentWithALine() {
        List<ConfigProblem> problems = problemsInYaml(YAML, Map.of(),
                reporting("issuers[1].audiences", "at least one audience is required"),
                reporting("policies.sre-only.deny", "missing"),
                reporting("policies.sre-only.allow[0].users[3]", "missing"));

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field).containsExactly(
                tuple(6, "issuers[1].audiences"), tuple(9, "policies.sre-only.deny"),
                tuple(11, "policies.sre-only.allow[0].users[3]"));
    }

    @Test
    void aFieldWithNoLineAnywhereIsLineZero() {
        List<ConfigProblem> problems = problemsInYaml("server:\n  port: 8080\n", Map.of(),
                reporting("issuers", "at least one issuer is required"));

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field)
                .containsExactly(tuple(0, "issuers"));
    }

    @Test
    void extraChecksRunAfterTheBuiltInOnesOnTheBoundConfiguration() {
        List<String> seen = new ArrayList<>();

        GatewayConfig config = loadYaml(YAML, Map.of(), (c, p) -> seen.add(c.issuers().get(1).issuer()),
                (c, p) -> seen.add(c.policies().keySet().toString()));

        assertThat(seen).containsExactly("https://other.example.com", "[sre-only]");
        assertThat(config.issuers()).hasSize(2);
    }

    @Test
    void aCheckDoesNotReportAFieldThatAlreadyFailedToBind() {
        List<ConfigProblem> problems = problemsInYaml(
                "issuers:\n  - name: a\n    audiences: api\n  - 42\n  - name: c\n", Map.of(),
                (config, p) -> {
                    for (int i = 0; i < config.issuers().size(); i++) {
                        if (config.issuers().get(i).audiences().isEmpty()) {
                            p.add("issuers[" + i + "].audiences", "at least one audience is required");
                        }
                    }
                });

        // issuers[1] failed whole and issuers[0].audiences failed to bind: for those only the binding problems
        // remain. issuers[2] keeps its index, and so its line, because the failed entry is held by a stand-in.
        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field).containsExactly(
                tuple(3, "issuers[0].audiences"), tuple(4, "issuers[1]"), tuple(5, "issuers[2].audiences"));
    }

    @Test
    void aFailingCheckIsReportedWithoutHidingTheOthers() {
        List<ConfigProblem> problems = problemsInYaml("server:\n  port: -1\n", Map.of(),
                (config, p) -> {
                    throw new IllegalStateException("boom");
                },
                reporting("issuers", "required"));

        assertThat(problems).extracting(ConfigProblem::field).containsExactly("(file)", "issuers", "server.port");
        assertThat(problems.get(0).message()).contains("failed: java.lang.IllegalStateException: boom");
    }
}
