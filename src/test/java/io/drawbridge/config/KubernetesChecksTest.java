package io.drawbridge.config;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.drawbridge.config.Fixtures.loadYaml;
import static io.drawbridge.config.Fixtures.problemsInYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Route ConfigMaps ({@code configmap:[NAMESPACE/]NAME}) and the kubernetes section: what is accepted, what is not. */
class KubernetesChecksTest {

    @Test
    void acceptsAConfigMapBesideFileLocations() {
        GatewayConfig config = loadYaml("""
                routes:
                  - file:routes/*.yaml
                  - configmap:gateway-routes
                  - configmap:platform/more.routes
                """, Map.of());

        assertThat(config.routes()).containsExactly("file:routes/*.yaml", "configmap:gateway-routes",
                "configmap:platform/more.routes");
        assertThat(ConfigMapRef.parse("configmap:platform/more.routes"))
                .isEqualTo(new ConfigMapRef("platform", "more.routes"));
        assertThat(ConfigMapRef.parse("configmap:gateway-routes").namespaceOr("apps")).isEqualTo("apps");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"configmap:", "configmap:Routes", "configmap:routes_1", "configmap:-routes",
            "configmap:ns/", "configmap:/routes", "configmap:a.b/routes", "configmap:ns/sub/routes",
            "configmap:routes.yaml/x"})
    void refusesNamesKubernetesWouldRefuse(String location) {
        var problems = problemsInYaml("kubernetes: {}\nroutes:\n  - file:routes/*.yaml\n  - '" + location + "'\n",
                Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field).containsExactly(tuple(4, "routes[1]"));
        assertThat(problems.get(0).message()).contains("configmap:NAME or configmap:NAMESPACE/NAME");
    }

    @Test
    void refusesTheSameConfigMapTwice() {
        var problems = problemsInYaml("""
                kubernetes: {namespace: apps}
                routes: [configmap:r, configmap:apps/r, configmap:other/r]
                """, Map.of());

        assertThat(problems).extracting(ConfigProblem::field).containsExactly("routes[1]");
    }

    @Test
    void otherLocationsStillNameTheThreeKinds() {
        var problems = problemsInYaml("routes: ['http://x/r.yaml']\n", Map.of());

        assertThat(problems.get(0).message()).contains("file:, classpath: or configmap:");
    }

    @Test
    void theKubernetesSectionHasDefaults() {
        KubernetesConfig kubernetes = loadYaml("issuers: []\n", Map.of()).kubernetes();

        assertThat(kubernetes.masterUrl()).isNull();
        assertThat(kubernetes.namespace()).isNull();
        assertThat(kubernetes.resync()).isEqualTo(Duration.ofSeconds(30));
        assertThat(kubernetes.routesFolder()).isEqualTo(".drawbridge/configmap");
    }

    @Test
    void refusesEveryBadKubernetesValueWithItsLine() {
        var problems = problemsInYaml("""
                kubernetes:
                  masterUrl: https://admin:secret@api.example.com
                  namespace: Apps
                  resync: 0s
                  routesFolder: ' '
                  token: x
                """, Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field).containsExactlyInAnyOrder(
                tuple(2, "kubernetes.masterUrl"), tuple(3, "kubernetes.namespace"), tuple(4, "kubernetes.resync"),
                tuple(5, "kubernetes.routesFolder"), tuple(6, "kubernetes.token"));
        assertThat(problems.toString()).doesNotContain("secret");
    }
}
