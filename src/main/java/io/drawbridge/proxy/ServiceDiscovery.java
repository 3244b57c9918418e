package io.drawbridge.proxy;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Upstreams named as Kubernetes Services ({@code upstream=k8s://service.namespace:port}), resolved to the
 * Service's ready endpoints and followed as they change. One watch per Service port, shared by every route that
 * names it; the API server is contacted only once a route names a Service.
 */
public final class ServiceDiscovery implements AutoCloseable {

    private final Supplier<KubernetesClient> client;
    private final Supplier<String> defaultNamespace;
    private final Duration startTimeout;
    private final Map<ServiceAddress, ServiceEndpoints> watched = new HashMap<>();

    /**
     * @param client           the API server's client, made on first use
     * @param defaultNamespace the namespace of Services named without one
     * @param startTimeout     how long a route waits, when it is built, for the Service's first list
     */
    public ServiceDiscovery(Supplier<KubernetesClient> client, Supplier<String> defaultNamespace,
                            Duration startTimeout) {
        this.client = client;
        this.defaultNamespace = defaultNamespace;
        this.startTimeout = startTimeout;
    }

    /**
     * The upstream for a {@code k8s://} URL. A route naming a Service that does not exist, or a port it does not
     * have, is refused; one whose Service has no ready endpoint yet is accepted and answers 503 until it has.
     *
     * @throws IllegalArgumentException saying why the route cannot use it
     */
    public synchronized Upstream upstream(String url) {
        ServiceAddress address = ServiceAddress.parse(url, defaultNamespace.get());
        ServiceEndpoints endpoints = watched.get(address);
        if (endpoints == null) {
            endpoints = ServiceEndpoints.watch(address, client.get(), startTimeout);
            watched.put(address, endpoints);
        }
        if (endpoints.problem() != null) {
            throw new IllegalArgumentException("upstream " + address + ": " + endpoints.problem());
        }
        return endpoints;
    }

    @Override
    public synchronized void close() {
        watched.values().forEach(ServiceEndpoints::close);
        watched.clear();
    }
}
