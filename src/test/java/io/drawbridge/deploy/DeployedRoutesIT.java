package io.drawbridge.deploy;

import io.drawbridge.ConfigChecks;
import io.drawbridge.Gateway;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.dev.EchoUpstream;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.TokenMinter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Producer;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real load: every YAML route a user may copy, and every Kamelet, built in a running gateway with its
 * {@code gateway:} and {@code drawbridge:} components; the Kamelet chain answers requests; the configurations
 * of deploy/kubernetes and deploy/camel-k start a gateway from their mounted files, and their Kafka audit
 * endpoints build (no broker needed: nothing is sent).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployedRoutesIT {

    private static final Pattern POLICY = Pattern.compile("policy=([A-Za-z0-9_-]+)");
    private static final Pattern PROPERTY = Pattern.compile("\\{\\{([A-Za-z0-9_.-]+)}}");

    private final TokenMinter minter = new TokenMinter();
    private final HttpClient http = HttpClient.newHttpClient();
    private EchoUpstream echo;
    private int deadPort;

    @BeforeAll
    void start() {
        echo = EchoUpstream.start();
        deadPort = GatewayProcess.freePort(); // nothing listens there: stands for an unreachable broker
    }

    @AfterAll
    void stop() {
        echo.close();
    }

    static List<DeployFiles.RouteSource> routes() {
        return DeployFiles.routeSources();
    }

    @ParameterizedTest
    @MethodSource("routes")
    void everyRouteBuildsAndStartsInAGateway(DeployFiles.RouteSource route, @TempDir Path dir) {
        Set<String> policies = matches(POLICY, route.yaml());
        Map<String, String> properties = new HashMap<>();
        matches(PROPERTY, route.yaml()).forEach(name -> properties.put(name, echo.url()));
        try (var gateway = GatewayFixture.start(dir, config(dir, policies), Map.of("route.yaml", route.yaml()),
                properties)) {
            CamelContext camel = gateway.gateway().camelContext();
            List<String> ids = DeployFiles.parse(route.yaml()).findValuesAsText("id");
            assertThat(ids).isNotEmpty();
            for (String id : ids) {
                assertThat(camel.getRouteController().getRouteStatus(id)).as(route + " route " + id)
                        .isEqualTo(ServiceStatus.Started);
            }
        }
    }

    @Test
    void theKameletsComposeAWorkingProtectedRoute(@TempDir Path dir) throws Exception {
        String composed = """
                - route:
                    id: composed
                    from:
                      uri: "kamelet:drawbridge-http-source?path=/composed"
                      steps:
                        - to: kamelet:drawbridge-authenticate-action
                        - to: kamelet:drawbridge-enrich-action
                        - to: "kamelet:drawbridge-authorize-action?policy=platform"
                        - to: "kamelet:drawbridge-proxy-sink?upstream={{upstream.echo}}&stripPrefix=true&rewritePrefix=/v2&connectTimeout=1s&responseTimeout=5s"
                - route:
                    id: composed-decision
                    from:
                      uri: "kamelet:drawbridge-http-source?path=/.drawbridge/auth"
                      steps:
                        - to: "kamelet:drawbridge-decide-sink?signIn=status"
                - route:
                    id: audit-to-kafka
                    from:
                      uri: direct:audit
                      steps:
                        - to: "kamelet:drawbridge-audit-sink?topic=drawbridge-audit&bootstrapServers={{kafka.brokers}}"
                """;
        try (var gateway = GatewayFixture.start(dir, "server:\n  trustedProxies: [127.0.0.1]\n"
                + config(dir, Set.of("platform")), Map.of("composed.yaml", composed),
                Map.of("upstream.echo", echo.url(), "kafka.brokers", "127.0.0.1:" + deadPort))) {
            // alice's token has no groups: the catalog makes her a member of platform (through sre).
            var alice = get(gateway.url("/composed/x"), minter.token("alice", List.of()));
            assertThat(alice.statusCode()).isEqualTo(200);
            assertThat(alice.body()).contains("/v2/x");
            assertThat(get(gateway.url("/composed/x"), minter.token("bob", List.of())).statusCode()).isEqualTo(403);
            assertThat(get(gateway.url("/composed/x"), null).statusCode()).isEqualTo(401);
            // A front asking about the same route through the decide Kamelet: the composed route's own steps.
            var decided = io.drawbridge.testing.RawHttp.exchange(gateway.port(), "GET /.drawbridge/auth HTTP/1.1\r\n"
                    + "Host: gateway.test\r\nX-Forwarded-Uri: /composed/x\r\nAuthorization: Bearer "
                    + minter.token("alice", List.of()) + "\r\nConnection: close\r\n\r\n");
            assertThat(decided.status()).isEqualTo(200);
            assertThat(decided.header("X-Forwarded-User")).isEqualTo("alice");
            String proxiedRoute = gateway.audit(alice.headers().firstValue("X-Request-Id").orElseThrow())
                    .get("route").asText();
            assertThat(gateway.audit(decided.header("X-Request-Id")).get("route").asText()).isEqualTo(proxiedRoute);
            CamelContext camel = gateway.gateway().camelContext();
            assertThat(camel.getRouteController().getRouteStatus("audit-to-kafka")).isEqualTo(ServiceStatus.Started);
            assertThat(camel.getEndpoints()).anyMatch(e -> e instanceof KafkaEndpoint k
                    && k.getConfiguration().getTopic().equals("drawbridge-audit")
                    && k.getConfiguration().getBrokers().equals("127.0.0.1:" + deadPort)
                    && k.getConfiguration().getRequestRequiredAcks().equals("all"));
        }
    }

    @Test
    void theKubernetesConfigurationStartsAGatewayAndItsKafkaAuditEndpointBuilds(@TempDir Path dir) throws Exception {
        PodFiles pod = KubernetesManifestsTest.podFiles(dir);
        Map<String, String> env = KubernetesManifestsTest.environment(Map.of(
                "OIDC_ISSUER", "http://127.0.0.1:" + deadPort + "/realms/corp",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + deadPort));
        GatewayConfig config = loadOnLoopback(pod, env);
        try (var gateway = Gateway.start(config, Map.of(), List.of(), List.of())) {
            CamelContext camel = gateway.camelContext();
            assertThat(camel.getRouteController().getRouteStatus("grafana")).isEqualTo(ServiceStatus.Started);
            assertThat(camel.getRouteController().getRouteStatus("status")).isEqualTo(ServiceStatus.Started);
            var live = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.managementPort()
                    + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            // The audit endpoint of the ConfigMap: SASL_SSL, SCRAM, idempotent; its Kafka producer is created.
            Endpoint audit = camel.getEndpoint(config.audit().endpoint());
            assertThat(audit).isInstanceOf(KafkaEndpoint.class);
            var kafka = ((KafkaEndpoint) audit).getConfiguration();
            assertThat(kafka.getTopic()).isEqualTo("drawbridge-audit");
            assertThat(kafka.getSecurityProtocol()).isEqualTo("SASL_SSL");
            assertThat(kafka.getSaslMechanism()).isEqualTo("SCRAM-SHA-512");
            assertThat(kafka.isEnableIdempotence()).isTrue();
            startAndStop(audit.createProducer());
        }
    }

    @Test
    void theCamelKConfigurationStartsAGatewayWithItsKameletRoutes(@TempDir Path dir) throws Exception {
        PodFiles pod = CamelKResourcesTest.podFiles(dir);
        Map<String, String> env = new HashMap<>(CamelKResourcesTest.environment());
        env.put("OIDC_ISSUER", "http://127.0.0.1:" + deadPort + "/realms/corp");
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + deadPort);
        GatewayConfig config = loadOnLoopback(pod, env);
        try (var gateway = Gateway.start(config, Map.of(), List.of(), List.of())) {
            CamelContext camel = gateway.camelContext();
            assertThat(camel.getRouteController().getRouteStatus("backstage")).isEqualTo(ServiceStatus.Started);
            Endpoint audit = camel.getEndpoint(config.audit().endpoint());
            startAndStop(audit.createProducer());
            assertThat(camel.getEndpoints()).anyMatch(e -> e instanceof KafkaEndpoint k
                    && k.getConfiguration().getBrokers().equals("127.0.0.1:" + deadPort));
        }
    }

    /** The pod's configuration, moved to the test folder and to loopback on free ports. */
    private static GatewayConfig loadOnLoopback(PodFiles pod, Map<String, String> env) throws Exception {
        Path file = pod.path("/etc/drawbridge/config/drawbridge.yaml");
        String text = pod.relocate(Files.readString(file));
        for (String expected : List.of("host: 0.0.0.0", "port: 8080", "port: 8081")) {
            assertThat(text).contains(expected);
        }
        text = text.replace("host: 0.0.0.0", "host: 127.0.0.1").replace("port: 8080", "port: 0")
                .replace("port: 8081", "port: 0");
        Files.writeString(file, text);
        return ConfigChecks.loader(env::get)
                .load(file);
    }

    private static void startAndStop(Producer producer) throws Exception {
        producer.start();
        assertThat(((org.apache.camel.support.service.ServiceSupport) producer).isStarted()).isTrue();
        producer.stop();
    }

    private String config(Path dir, Set<String> policies) {
        minter.writeJwks(dir.resolve("jwks.json"));
        var sb = new StringBuilder("""
                issuers:
                  - name: test
                    issuer: %s
                    jwksFile: @DIR@/jwks.json
                    audiences: [%s]
                catalog:
                  files: classpath:catalog/org.yaml
                login:                          # for routes people open in a browser (login=browser)
                  issuer: test
                  clientId: drawbridge-gateway
                  clientSecret: ${DRAWBRIDGE_TEST_SECRET:-unused}
                  redirectUri: http://gateway.test/oauth2/callback
                  session:
                    keys: ["${DRAWBRIDGE_TEST_SESSION_KEY:-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=}"]
                policies:
                """.formatted(TokenMinter.ISSUER, TokenMinter.AUDIENCE));
        for (String policy : policies) {
            sb.append("  ").append(policy).append(":\n    allow:\n      - groups: [group:default/platform]\n");
        }
        if (policies.isEmpty()) {
            sb.append("  unused:\n    allow:\n      - groups: [nobody]\n");
        }
        return sb.toString();
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
