package io.drawbridge.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ready endpoints of one Kubernetes Service port, kept current by informers on the Service and its
 * EndpointSlices, handed out round-robin. Requests go straight to the pods, as kube-proxy would send them, so
 * keep-alive connections are spread over the pods (through the Service's virtual IP, one pooled connection
 * would pin its requests to one pod) and a pod that is not ready gets nothing. When the API server goes away,
 * the informers keep the last endpoints they saw and reconnect by themselves.
 */
final class ServiceEndpoints implements Upstream, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceEndpoints.class);
    private static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private final ServiceAddress address;
    private final SharedIndexInformer<Service> service;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final AtomicInteger next = new AtomicInteger();
    private volatile List<UpstreamTarget> ready = List.of();
    private volatile String problem = "not watched yet";

    private ServiceEndpoints(ServiceAddress address, KubernetesClient client) {
        this.address = address;
        this.service = client.services().inNamespace(address.namespace()).withName(address.service())
                .runnableInformer(0);
        this.slices = client.discovery().v1().endpointSlices().inNamespace(address.namespace())
                .withLabel(SERVICE_NAME_LABEL, address.service()).runnableInformer(0);
        ResourceEventHandler<Object> recompute = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object obj) {
                recompute();
            }

            @Override
            public void onUpdate(Object oldObj, Object newObj) {
                recompute();
            }

            @Override
            public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
                recompute();
            }
        };
        service.addEventHandler(recompute);
        slices.addEventHandler(recompute);
        // Before the first list the API server must answer (fail closed); after it, keep retrying on the last state.
        service.exceptionHandler((started, failure) -> started);
        slices.exceptionHandler((started, failure) -> started);
    }

    /**
     * Starts watching, and waits for the first list of the Service and its endpoints.
     *
     * @throws IllegalArgumentException when the API server cannot be reached in time
     */
    static ServiceEndpoints watch(ServiceAddress address, KubernetesClient client, Duration timeout) {
        var endpoints = new ServiceEndpoints(address, client);
        try {
            endpoints.service.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            endpoints.slices.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            endpoints.close();
            Throwable cause = e instanceof ExecutionException && e.getCause() != null
                    ? e.getCause() : e;
            // No cause chained: route errors are reported by their innermost message, and this one says it all.
            throw new IllegalArgumentException("cannot watch Service " + address.namespace() + "/"
                    + address.service() + " on the Kubernetes API server: " + (cause.getMessage() != null
                    ? cause.getMessage() : cause.getClass().getSimpleName()));
        }
        endpoints.recompute();
        return endpoints;
    }

    /** Why there is no endpoint to send to, or {@code null} when the Service and its port exist. */
    String problem() {
        return problem;
    }

    List<UpstreamTarget> ready() {
        return ready;
    }

    @Override
    public UpstreamTarget pick() {
        List<UpstreamTarget> targets = ready;
        if (targets.isEmpty()) {
            return null;
        }
        return targets.get(Math.floorMod(next.getAndIncrement(), targets.size()));
    }

    private synchronized void recompute() {
        Service svc = service.getStore().list().stream().findFirst().orElse(null);
        ServicePort port = svc == null ? null : port(svc);
        String now;
        List<UpstreamTarget> targets = List.of();
        if (svc == null) {
            now = "Service " + address.namespace() + "/" + address.service() + " does not exist";
        } else if ("ExternalName".equals(svc.getSpec().getType())) {
            now = "Service " + address.namespace() + "/" + address.service() + " is an ExternalName Service:"
                    + " proxy to its external name instead";
        } else if (port == null) {
            now = "Service " + address.namespace() + "/" + address.service() + " has no port " + address.port()
                    + " (it has " + svc.getSpec().getPorts().stream().map(p -> p.getPort()
                    + (p.getName() == null ? "" : "/" + p.getName())).toList() + ")";
        } else {
            now = null;
            targets = targets(port);
        }
        if (!Objects.equals(now, problem) || !targets.equals(ready)) {
            if (now != null) {
                LOG.warn("upstream {}: {}", address, now);
            } else {
                LOG.info("upstream {}: {} ready endpoint(s) {}", address, targets.size(),
                        targets.stream().map(UpstreamTarget::origin).toList());
            }
        }
        problem = now;
        ready = targets;
    }

    private ServicePort port(Service svc) {
        for (ServicePort p : svc.getSpec().getPorts()) {
            if (address.port().equals(String.valueOf(p.getPort())) || address.port().equals(p.getName())) {
                return p;
            }
        }
        return null;
    }

    /** Ready addresses of every slice, on the slice port named like the Service port (kube-proxy's rule). */
    private List<UpstreamTarget> targets(ServicePort servicePort) {
        String portName = servicePort.getName() == null ? "" : servicePort.getName();
        String hostHeader = servicePort.getPort() == 80 ? address.dnsName()
                : address.dnsName() + ":" + servicePort.getPort();
        TreeSet<String> origins = new TreeSet<>();
        List<UpstreamTarget> targets = new ArrayList<>();
        for (EndpointSlice slice : slices.getStore().list()) {
            if ("FQDN".equals(slice.getAddressType()) || slice.getPorts() == null || slice.getEndpoints() == null) {
                continue;
            }
            Integer number = slice.getPorts().stream()
                    .filter(p -> portName.equals(p.getName() == null ? "" : p.getName()))
                    .map(EndpointPort::getPort).filter(Objects::nonNull).findFirst().orElse(null);
            if (number == null) {
                continue;
            }
            for (Endpoint endpoint : slice.getEndpoints()) {
                // An unset condition means ready (the EndpointSlice API's own rule); terminating pods are not.
                if (endpoint.getConditions() != null && Boolean.FALSE.equals(endpoint.getConditions().getReady())) {
                    continue;
                }
                for (String ip : endpoint.getAddresses()) {
                    String host = ip.contains(":") ? "[" + ip + "]" : ip;
                    String origin = "http://" + host + ":" + number;
                    if (origins.add(origin)) {
                        targets.add(new UpstreamTarget(false, ip, number, address.basePath(), origin, hostHeader));
                    }
                }
            }
        }
        targets.sort(Comparator.comparing(UpstreamTarget::origin));
        return List.copyOf(targets);
    }

    @Override
    public String toString() {
        return address.toString();
    }

    @Override
    public void close() {
        service.stop();
        slices.stop();
    }
}
