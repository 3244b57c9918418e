package io.drawbridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.ConfigChecks;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.ManagementConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
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
 * deploy/kubernetes, offline: each manifest parses into fabric8's typed models with no field they do not know,
 * and together they hold what running the gateway safely needs (probes on the management port, a non-root
 * read-only container, resources, the management port kept inside the cluster, secrets by reference only, HPA and
 * PDB on the Deployment), and the configuration they mount is one the gateway accepts.
 */
class KubernetesManifestsTest {

    static final String FOLDER = "deploy/kubernetes";
    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");

    static List<JsonNode> documents() {
        List<JsonNode> all = new ArrayList<>();
        for (Path file : DeployFiles.yamlFiles(FOLDER)) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) {
                all.addAll(DeployFiles.documents(file));
            }
        }
        return all;
    }

    static List<HasMetadata> resources() {
        return documents().stream().map(Fabric8Models::typed).toList();
    }

    static <T extends HasMetadata> T one(Class<T> type, String name) {
        return resources().stream().filter(type::isInstance).map(type::cast)
                .filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + FOLDER));
    }

    static Deployment deployment() {
        return one(Deployment.class, "drawbridge");
    }

    static Container gateway() {
        return deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void everyManifestIsAKnownKindWithOnlyKnownFields() {
        List<String> unknown = new ArrayList<>();
        for (HasMetadata resource : resources()) {
            Fabric8Models.unknownFields(resource).forEach(u -> unknown.add(resource.getKind() + " "
                    + resource.getMetadata().getName() + ": " + u));
        }
        assertThat(unknown).isEmpty();
        assertThat(resources()).extracting(HasMetadata::getKind).contains("Deployment", "Service", "ConfigMap",
                "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy");
    }

    @Test
    void theUnknownFieldCheckCatchesAMisspelledField() {
        JsonNode deployment = documents().stream().filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst().orElseThrow().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) deployment.at("/spec/template/spec/containers/0"))
                .put("livenesProbe", "typo");
        assertThat(Fabric8Models.unknownFields(Fabric8Models.typed(deployment)))
                .anySatisfy(u -> assertThat(u).contains("livenesProbe"));
    }

    @Test
    void kustomizationListsEveryManifestAndOnlyThose() {
        JsonNode kustomization = DeployFiles.documents(DeployFiles.project().resolve(FOLDER + "/kustomization.yaml"))
                .get(0);
        Set<String> listed = new TreeSet<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        Set<String> present = new TreeSet<>();
        DeployFiles.yamlFiles(FOLDER).forEach(f -> present.add(f.getFileName().toString()));
        present.remove("kustomization.yaml");
        assertThat(listed).isEqualTo(present);
    }

    @Test
    void probesAskTheManagementPortsHealthPaths() {
        Container c = gateway();
        int managementPort = ManagementConfig.defaults().port();
        assertThat(probeTarget(c, c.getLivenessProbe())).isEqualTo(managementPort + " /health/live");
        assertThat(probeTarget(c, c.getReadinessProbe())).isEqualTo(managementPort + " /health/ready");
        assertThat(probeTarget(c, c.getStartupProbe())).isEqualTo(managementPort + " /health/live");
        assertThat(config(tempDir()).management().port()).isEqualTo(managementPort);
    }

    @Test
    void runsAsNonRootOnAReadOnlyRootFilesystemWithNoPrivileges() {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        var sc = gateway().getSecurityContext();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        // Read-only root: every place the gateway writes is a volume (its working folder, Netty's /tmp).
        assertThat(gateway().getVolumeMounts()).extracting(VolumeMount::getMountPath)
                .contains("/tmp", "/var/lib/drawbridge");
    }

    @Test
    void setsRequestsAndLimits() {
        var resources = gateway().getResources();
        assertThat(resources.getRequests()).containsKeys("cpu", "memory");
        assertThat(resources.getLimits()).containsKey("memory");
        assertThat(resources.getLimits().get("memory")).isEqualTo(resources.getRequests().get("memory"));
    }

    @Test
    void theDataServiceNeverExposesTheManagementPort() {
        int management = ManagementConfig.defaults().port();
        Service data = one(Service.class, "drawbridge");
        assertThat(data.getSpec().getPorts()).allSatisfy(p -> assertThat(containerPort(gateway(), p.getTargetPort()))
                .isNotEqualTo(management));
        assertThat(data.getSpec().getSelector()).isEqualTo(podLabels());
        for (Service service : resources().stream().filter(Service.class::isInstance).map(Service.class::cast)
                .toList()) {
            assertThat(service.getSpec().getType()).as(service.getMetadata().getName()).isEqualTo("ClusterIP");
        }
    }

    @Test
    void theNetworkPolicyKeepsTheManagementPortInsideTheCluster() {
        NetworkPolicy policy = one(NetworkPolicy.class, "drawbridge");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(podLabels());
        assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
        int management = ManagementConfig.defaults().port();
        boolean managementAllowed = false;
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            boolean coversManagement = rule.getPorts() == null || rule.getPorts().isEmpty()
                    || rule.getPorts().stream().anyMatch(p -> containerPort(gateway(), p.getPort()) == management);
            if (!coversManagement) {
                continue;
            }
            managementAllowed = true;
            assertThat(rule.getFrom()).as("a rule opening the management port names its peers").isNotEmpty();
            assertThat(rule.getFrom()).as("no address from outside the cluster")
                    .allSatisfy(peer -> assertThat(peer.getIpBlock()).isNull());
        }
        assertThat(managementAllowed).as("probes and scrapers inside the cluster reach it").isTrue();
    }

    @Test
    void secretsAreReferencedNeverCommitted() {
        assertThat(documents()).noneMatch(d -> d.path("kind").asText().equals("Secret"));
        Set<String> secretNames = new TreeSet<>();
        for (EnvVar env : gateway().getEnv()) {
            if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                secretNames.add(env.getValueFrom().getSecretKeyRef().getName());
            }
        }
        for (Volume v : deployment().getSpec().getTemplate().getSpec().getVolumes()) {
            if (v.getSecret() != null) {
                secretNames.add(v.getSecret().getSecretName());
            }
        }
        assertThat(secretNames).containsExactly("drawbridge-secrets");
        // Every ${VAR} the configuration needs is set, secrets from the Secret; no default hides a missing one.
        String config = configMap("drawbridge-config").getData().get("drawbridge.yaml");
        Set<String> needed = new TreeSet<>();
        Matcher m = ENV_PLACEHOLDER.matcher(config);
        while (m.find()) {
            needed.add(m.group(1));
        }
        Set<String> set = new TreeSet<>();
        gateway().getEnv().forEach(e -> set.add(e.getName()));
        assertThat(set).containsAll(needed);
        for (EnvVar env : gateway().getEnv()) {
            if (env.getName().contains("PASSWORD") || env.getName().contains("JAAS") || env.getName().contains("TOKEN")) {
                assertThat(env.getValue()).as(env.getName() + " comes from the Secret").isNull();
            }
        }
    }

    @Test
    void hpaAndPdbTargetTheDeployment() {
        Deployment deployment = deployment();
        HorizontalPodAutoscaler hpa = one(HorizontalPodAutoscaler.class, "drawbridge");
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
        PodDisruptionBudget pdb = one(PodDisruptionBudget.class, "drawbridge");
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(podLabels());
        assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(podLabels());
        // A drain can always evict one pod: fewer must stay than the fewest the HPA keeps.
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isLessThan(hpa.getSpec().getMinReplicas());
    }

    @Test
    void mountsTheConfigurationTheArgumentsName() {
        Container c = gateway();
        assertThat(c.getArgs()).containsSubsequence("--config", "/etc/drawbridge/config/drawbridge.yaml");
        Map<String, String> mountOf = new HashMap<>();
        c.getVolumeMounts().forEach(m -> mountOf.put(m.getName(), m.getMountPath()));
        for (Volume v : deployment().getSpec().getTemplate().getSpec().getVolumes()) {
            if (v.getConfigMap() != null) {
                configMap(v.getConfigMap().getName()); // exists in the folder
            }
        }
        assertThat(mountOf).containsEntry("config", "/etc/drawbridge/config")
                .containsEntry("routes", "/etc/drawbridge/routes");
    }

    @Test
    void theMountedConfigurationIsAccepted(@TempDir Path dir) {
        GatewayConfig config = config(dir);
        assertThat(config.routes()).containsExactly("file:" + dir.resolve("etc/drawbridge/routes") + "/*.yaml");
        assertThat(config.audit().endpoint()).startsWith("kafka:drawbridge-audit?");
        assertThat(config.management().host()).isEqualTo("0.0.0.0");
    }

    /** The ConfigMaps laid out as the Deployment mounts them, loaded with the Deployment's environment. */
    static GatewayConfig config(Path dir) {
        PodFiles pod = podFiles(dir);
        Path file = pod.path("/etc/drawbridge/config/drawbridge.yaml");
        try {
            Files.writeString(file, pod.relocate(Files.readString(file)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> env = environment(Map.of());
        return ConfigChecks.loader(env::get)
                .load(file);
    }

    static PodFiles podFiles(Path dir) {
        PodFiles pod = new PodFiles(dir);
        Map<String, Volume> volumes = new HashMap<>();
        deployment().getSpec().getTemplate().getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
        for (VolumeMount mount : gateway().getVolumeMounts()) {
            Volume v = volumes.get(mount.getName());
            if (v.getConfigMap() != null) {
                pod.configMap(documents().stream().filter(d -> d.path("kind").asText().equals("ConfigMap")
                        && d.at("/metadata/name").asText().equals(v.getConfigMap().getName())).findFirst()
                        .orElseThrow(), mount.getMountPath());
            } else if (v.getSecret() != null) {
                pod.secret(v.getSecret().getItems().stream().map(i -> i.getPath()).toList(), mount.getMountPath());
            } else {
                pod.emptyDir(mount.getMountPath());
            }
        }
        return pod;
    }

    /** The Deployment's environment: plain values as written, Secret values made up, some overridden. */
    static Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        for (EnvVar e : gateway().getEnv()) {
            env.put(e.getName(), e.getValue() != null ? e.getValue() : "made-up-secret-value-" + e.getName());
        }
        env.put("KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"drawbridge\" password=\"made-up-password\";");
        env.putAll(overrides);
        return env;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("drawbridge-k8s");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ConfigMap configMap(String name) {
        return one(ConfigMap.class, name);
    }

    private static Map<String, String> podLabels() {
        return deployment().getSpec().getTemplate().getMetadata().getLabels();
    }

    /** A probe as "port path", its named port resolved to the container's number. */
    static String probeTarget(Container c, Probe probe) {
        assertThat(probe).isNotNull();
        return containerPort(c, probe.getHttpGet().getPort()) + " " + probe.getHttpGet().getPath();
    }

    static int containerPort(Container c, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
    }
}
