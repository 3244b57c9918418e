package io.drawbridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drawbridge.ConfigChecks;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.ManagementConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/camel-k, offline: the Integration (and any Pipe) against Camel K 2.4.0's CRDs, strictly, so it uses only
 * traits and fields that version knows; its pod template and ConfigMaps as fabric8 models; and what makes it run
 * the gateway: a self-managed image, probes on the management port, mounted configuration the gateway accepts.
 */
class CamelKResourcesTest {

    static final String FOLDER = "deploy/camel-k";
    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");

    static List<JsonNode> documents() {
        List<JsonNode> all = new ArrayList<>();
        DeployFiles.yamlFiles(FOLDER).forEach(f -> all.addAll(DeployFiles.documents(f)));
        return all;
    }

    static JsonNode integration() {
        return documents().stream().filter(d -> d.path("kind").asText().equals("Integration")).findFirst()
                .orElseThrow(() -> new AssertionError("no Integration in " + FOLDER));
    }

    static JsonNode configMap(String name) {
        return documents().stream().filter(d -> d.path("kind").asText().equals("ConfigMap")
                && d.at("/metadata/name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap " + name + " in " + FOLDER));
    }

    @Test
    void camelKResourcesMatchCamelK240sSchemas() {
        int checked = 0;
        for (JsonNode doc : documents()) {
            String kind = doc.path("kind").asText();
            if (doc.path("apiVersion").asText().equals("camel.apache.org/v1")) {
                assertThat(Schemas.problems(Schemas.camelKCrd(kind), doc)).as(kind).isEmpty();
                checked++;
            } else {
                assertThat(Fabric8Models.unknownFields(Fabric8Models.typed(doc))).as(kind).isEmpty();
            }
        }
        assertThat(checked).isPositive();
    }

    @Test
    void aTraitCamelK240DoesNotKnowIsRefused() {
        ObjectNode integration = integration().deepCopy();
        ((ObjectNode) integration.at("/spec/traits/container")).put("imagePullSecret", "newer-than-2.4");
        assertThat(Schemas.problems(Schemas.camelKCrd("Integration"), integration))
                .anySatisfy(p -> assertThat(p).contains("imagePullSecret"));
    }

    @Test
    void runsTheGatewaysImageWithoutSources() {
        JsonNode spec = integration().path("spec");
        assertThat(spec.at("/traits/container/image").asText()).startsWith("drawbridge:");
        // Sources would be built and run on Camel K's own runtime, which has no gateway: or drawbridge: component.
        assertThat(spec.has("sources")).isFalse();
        assertThat(spec.has("flows")).isFalse();
        assertThat(spec.path("replicas").asInt()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void podTemplateHasOnlyKnownFieldsProbesOnTheManagementPortAndNoSecretValues() {
        JsonNode template = integration().at("/spec/template/spec");
        PodSpec pod = Fabric8Models.typed(template, PodSpec.class);
        assertThat(Fabric8Models.unknownFields(pod)).isEmpty();
        Container c = pod.getContainers().get(0);
        String traitName = integration().at("/spec/traits/container/name").asText("integration");
        assertThat(c.getName()).as("merged into the trait's container by name").isEqualTo(traitName);
        int management = ManagementConfig.defaults().port();
        assertThat(KubernetesManifestsTest.probeTarget(c, c.getLivenessProbe())).isEqualTo(management + " /health/live");
        assertThat(KubernetesManifestsTest.probeTarget(c, c.getReadinessProbe()))
                .isEqualTo(management + " /health/ready");
        assertThat(integration().at("/spec/traits/health/enabled").asBoolean(true))
                .as("Camel K's own probes expect its runtime").isFalse();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(integration().at("/spec/traits/container/runAsNonRoot").asBoolean()).isTrue();
        assertThat(integration().at("/spec/traits/container/limitMemory").asText()).isNotEmpty();
        for (EnvVar env : c.getEnv()) {
            if (env.getValueFrom() != null) {
                assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo("drawbridge-secrets");
            }
        }
        assertThat(documents()).noneMatch(d -> d.path("kind").asText().equals("Secret"));
    }

    @Test
    void theMountedConfigurationIsAcceptedAndItsVariablesAreSet(@TempDir Path dir) throws Exception {
        PodFiles pod = podFiles(dir);
        Path file = pod.path("/etc/drawbridge/config/drawbridge.yaml");
        String text = Files.readString(file);
        Files.writeString(file, pod.relocate(text));
        Map<String, String> env = environment();
        Matcher m = ENV_PLACEHOLDER.matcher(text);
        Set<String> needed = new TreeSet<>();
        while (m.find()) {
            needed.add(m.group(1));
        }
        assertThat(env.keySet()).containsAll(needed);
        GatewayConfig config = ConfigChecks.loader(env::get).load(file);
        assertThat(config.audit().endpoint()).startsWith("kamelet:drawbridge-audit-sink?");
        assertThat(config.routes()).hasSize(1);
    }

    /** The mount trait's resources and empty dirs laid out under a test folder. */
    static PodFiles podFiles(Path dir) {
        PodFiles pod = new PodFiles(dir);
        for (JsonNode resource : integration().at("/spec/traits/mount/resources")) {
            // configmap:NAME@PATH
            String[] kindAndRest = resource.asText().split(":", 2);
            assertThat(kindAndRest[0]).isEqualTo("configmap");
            String[] nameAndPath = kindAndRest[1].split("@", 2);
            pod.configMap(configMap(nameAndPath[0]), nameAndPath[1]);
        }
        for (JsonNode emptyDir : integration().at("/spec/traits/mount/emptyDirs")) {
            pod.emptyDir(emptyDir.asText().split(":", 2)[1]);
        }
        return pod;
    }

    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        for (JsonNode e : integration().at("/spec/template/spec/containers/0/env")) {
            String name = e.path("name").asText();
            env.put(name, e.has("value") ? e.path("value").asText() : name.endsWith("SESSION_KEY")
                    ? java.util.Base64.getEncoder().encodeToString(("made-up-session-key-" + name).substring(0, 32)
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    : "made-up-secret-value-" + name);
        }
        return env;
    }
}
