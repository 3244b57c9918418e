package io.drawbridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.Gateway;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.TestUpstream;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Upstreams discovered from a Kubernetes Service ({@code k8s://echo.apps:80}) against the fabric8 mock server in
 * CRUD mode: the Service's two EndpointSlices point at two real upstreams on loopback, each on its own port.
 */
class ServiceDiscoveryIT {

    private static final String NAMESPACE = "apps";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private KubernetesMockServer server;
    private KubernetesClient kubernetes;
    private TestUpstream a;
    private TestUpstream b;
    private GatewayFixture gateway;
    private Path dir;

    @BeforeEach
    void start(@TempDir Path dir) {
        this.dir = dir;
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        kubernetes = server.createClient();
        a = new TestUpstream();
        b = new TestUpstream();
        kubernetes.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
                .withNewMetadata().withName("echo").withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withType("ClusterIP").addNewPort().withName("http").withPort(80).endPort().endSpec()
                .build()).create();
        slice("echo-a", a.port(), true);
        slice("echo-b", b.port(), true);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        a.close();
        b.close();
        kubernetes.close();
        server.destroy();
    }

    @Test
    void spreadsRequestsOverTheReadyEndpoints() throws Exception {
        gateway = start("k8s://echo.apps:80");

        for (int i = 0; i < 10; i++) {
            assertThat(get("/echo/" + i).statusCode()).isEqualTo(200);
        }

        assertThat(a.seen()).hasSize(5);
        assertThat(b.seen()).hasSize(5);
    }

    @Test
    void followsTheEndpointsAsPodsBecomeUnreadyAndGo() throws Exception {
        gateway = start("k8s://echo.apps:http");

        slice("echo-b", b.port(), false);
        eventually(() -> {
            int before = b.seen().size();
            for (int i = 0; i < 4; i++) {
                status("/echo/probe");
            }
            return b.seen().size() == before;
        });
        int bSeen = b.seen().size();
        for (int i = 0; i < 6; i++) {
            assertThat(get("/echo/only-a").statusCode()).isEqualTo(200);
        }
        assertThat(b.seen()).hasSize(bSeen);

        kubernetes.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName("echo-a").delete();
        kubernetes.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName("echo-b").delete();
        eventually(() -> status("/echo/none") == 503);
        HttpResponse<String> none = get("/echo/none");
        JsonNode audit = gateway.audit(none.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(audit.path("reason").asText()).isEqualTo("upstream-unavailable");

        slice("echo-b", b.port(), true);
        eventually(() -> status("/echo/back") == 200);
        assertThat(b.seen()).contains("GET /echo/back");
    }

    @Test
    void refusesARouteToAServiceThatDoesNotExist() {
        assertThatThrownBy(() -> start("k8s://nope.apps:80"))
                .isInstanceOf(Gateway.StartupFailure.class)
                .hasMessageContaining("Service apps/nope does not exist");
    }

    @Test
    void refusesARouteToAPortTheServiceDoesNotHave() {
        assertThatThrownBy(() -> start("k8s://echo.apps:8080"))
                .isInstanceOf(Gateway.StartupFailure.class)
                .hasMessageContaining("Service apps/echo has no port 8080");
    }

    @Test
    void refusesARouteToAServiceWhenTheApiServerCannotBeReached() {
        String url = server.url("/");
        server.destroy();

        assertThatThrownBy(() -> start("k8s://echo.apps:80", url))
                .isInstanceOf(Gateway.StartupFailure.class)
                .hasMessageContaining("cannot watch Service apps/echo on the Kubernetes API server");
    }

    private void slice(String name, int port, boolean ready) {
        EndpointSlice slice = new EndpointSliceBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .addToLabels("kubernetes.io/service-name", "echo").endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(ready).endConditions()
                .endEndpoint()
                .build();
        kubernetes.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice)
                .createOr(existing -> existing.update());
    }

    private GatewayFixture start(String upstream) {
        return start(upstream, server.url("/"));
    }

    private GatewayFixture start(String upstream, String masterUrl) {
        return GatewayFixture.start(dir, """
                policies:
                  open:
                    public: true
                kubernetes:
                  masterUrl: %s
                  namespace: default
                """.formatted(masterUrl), Map.of("echo.yaml", """
                - route:
                    id: echo
                    from:
                      uri: gateway:/echo
                      steps:
                        - to: drawbridge:authorize?policy=open
                        - to: drawbridge:proxy?upstream=%s
                """.formatted(upstream)), Map.of());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gateway.url(path))).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private int status(String path) {
        try {
            return get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void eventually(BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within 15 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
