package io.drawbridge.proxy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code k8s://service[.namespace]:port[/base]}: the forms accepted, and those refused when the route is built. */
class ServiceAddressTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "k8s://grafana.monitoring:3000,      monitoring, grafana, 3000, ''",
        "k8s://grafana.monitoring:http,      monitoring, grafana, http, ''",
        "k8s://grafana:80,                   apps,       grafana, 80,   ''",
        "k8s://api.team-a:8080/v1/,          team-a,     api,     8080, /v1",
        "k8s://api.team-a:grpc-web/base/x,   team-a,     api,     grpc-web, /base/x"})
    void readsServiceNamespacePortAndBase(String url, String namespace, String service, String port, String base) {
        ServiceAddress address = ServiceAddress.parse(url, "apps");

        assertThat(address).isEqualTo(new ServiceAddress(namespace, service, port, base));
        assertThat(address.dnsName()).isEqualTo(service + "." + namespace + ".svc");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"k8s://grafana", "k8s://grafana.monitoring", "k8s://grafana.monitoring:",
            "k8s://grafana.monitoring:0", "k8s://grafana.monitoring:65536", "k8s://Grafana.monitoring:80",
            "k8s://1grafana.monitoring:80", "k8s://grafana.mon_itoring:80", "k8s://grafana.monitoring:80?x=1",
            "k8s://grafana.monitoring:80/a#b", "k8s://grafana.monitoring:-http", "k8s://grafana.monitoring:80/a b",
            "k8s://:80", "k8s://grafana.monitoring.svc.cluster.local:80"})
    void refusesWhatIsNoServiceAddress(String url) {
        assertThatThrownBy(() -> ServiceAddress.parse(url, "apps"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k8s://service.namespace:port");
    }
}
