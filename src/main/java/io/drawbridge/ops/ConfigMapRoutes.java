package io.drawbridge.ops;

import io.drawbridge.config.ConfigMapRef;
import io.drawbridge.config.KubernetesConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kubernetes.KubernetesConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes from a Kubernetes ConfigMap ({@code routes: [configmap:NAME]}): its {@code *.yaml} keys are written to a
 * folder of route files ({@link ConfigMapFolder}), which the hot reload applies like any route file, with the same
 * validation, refusal and audit. Changes are signalled by a camel-kubernetes {@code kubernetes-config-maps} watch
 * route; a periodic read besides it catches up after a watch the API server ended, and tells whether the API
 * server is reachable.
 * <ul>
 *   <li>At startup the ConfigMap must be readable: without it the gateway refuses to start (fail closed).</li>
 *   <li>Later, with the API server gone, the last-known-good routes keep serving; that is logged once and shown
 *       by the metrics {@code drawbridge_configmap_reachable} and {@code drawbridge_configmap_staleness_seconds}.</li>
 *   <li>A deleted key removes its routes. A deleted ConfigMap is treated like an unreachable one: its routes stay
 *       until it is back (a whole gateway's routes should not vanish with one {@code kubectl delete}).</li>
 * </ul>
 */
public final class ConfigMapRoutes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigMapRoutes.class);

    private final KubernetesConnection kubernetes;
    private final String namespace;
    private final String name;
    private final ConfigMapFolder folder;
    private final Duration resync;
    private final AtomicLong updates = new AtomicLong();
    private volatile boolean reachable = true;
    private volatile boolean present = true;
    private volatile Instant lastRead;
    private volatile Runnable afterChange = () -> { };
    private ScheduledExecutorService resyncs;

    private ConfigMapRoutes(KubernetesConnection kubernetes, String namespace, String name, ConfigMapFolder folder,
                            Duration resync) {
        this.kubernetes = kubernetes;
        this.namespace = namespace;
        this.name = name;
        this.folder = folder;
        this.resync = resync;
    }

    /**
     * Reads the ConfigMap and writes its routes, before Camel loads any route.
     *
     * @throws ConfigMapUnavailable when the ConfigMap cannot be read: the gateway must not start without it
     */
    public static ConfigMapRoutes open(KubernetesConnection kubernetes, ConfigMapRef ref, KubernetesConfig config) {
        String namespace = ref.namespaceOr(kubernetes.namespace());
        ConfigMap map;
        try {
            map = kubernetes.client().configMaps().inNamespace(namespace).withName(ref.name()).get();
        } catch (KubernetesClientException e) {
            throw new ConfigMapUnavailable("cannot read ConfigMap " + namespace + "/" + ref.name() + " from the"
                    + " Kubernetes API server at " + kubernetes.masterUrl() + " (" + describe(e) + "); refusing to"
                    + " start without its routes");
        }
        if (map == null) {
            throw new ConfigMapUnavailable("ConfigMap " + namespace + "/" + ref.name() + " does not exist on "
                    + kubernetes.masterUrl() + "; refusing to start without its routes");
        }
        var folder = new ConfigMapFolder(Path.of(config.routesFolder(), namespace, ref.name()));
        var routes = new ConfigMapRoutes(kubernetes, namespace, ref.name(), folder, config.resync());
        routes.apply(map, "startup");
        return routes;
    }

    /** The {@code file:} location of its route files, for Camel and the hot reload. */
    public String location() {
        return folder.location();
    }

    /** {@code namespace/name}. */
    public String name() {
        return namespace + "/" + name;
    }

    public boolean reachable() {
        return reachable;
    }

    /** Seconds since the ConfigMap was last read or received. */
    public long staleness() {
        Instant last = lastRead;
        return last == null ? 0 : Math.max(0, Duration.between(last, Instant.now()).toSeconds());
    }

    /** Changes to the ConfigMap applied since startup. */
    public long updates() {
        return updates.get();
    }

    /**
     * Starts following the ConfigMap: the watch route in {@code context} and the periodic read.
     *
     * @param afterChange applies the rewritten route files (the hot reload's scan)
     */
    public void start(CamelContext context, Runnable afterChange) throws Exception {
        this.afterChange = afterChange;
        String client = "drawbridgeKubernetesClient";
        if (context.getRegistry().lookupByName(client) == null) {
            context.getRegistry().bind(client, KubernetesClient.class, kubernetes.client());
        }
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kubernetes-config-maps:cluster?kubernetesClient=#" + client + "&namespace=" + namespace
                        + "&resourceName=" + name)
                        .routeId("configmap-" + namespace + "-" + name)
                        .routeDescription("Routes from ConfigMap " + namespace + "/" + name)
                        .process(exchange -> received(exchange.getIn().getHeader(
                                KubernetesConstants.KUBERNETES_EVENT_ACTION, Watcher.Action.class)));
            }
        });
        resyncs = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drawbridge-configmap-" + name);
            t.setDaemon(true);
            return t;
        });
        resyncs.scheduleWithFixedDelay(this::resync, resync.toMillis(), resync.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Routes from ConfigMap {} in {}, watched on {}", name(), folder.dir(), kubernetes.masterUrl());
    }

    /**
     * An event says the ConfigMap changed; what it now holds is read afresh, so that an event delivered late (or
     * overtaken by a periodic read) can never put back routes a newer version removed.
     */
    private void received(Watcher.Action action) {
        if (action == Watcher.Action.ADDED || action == Watcher.Action.MODIFIED || action == Watcher.Action.DELETED) {
            refresh("watch");
        }
    }

    private void resync() {
        refresh("resync");
    }

    /** Reads the ConfigMap and applies it: after an event, and periodically to catch up after a lost watch. */
    private synchronized void refresh(String how) {
        ConfigMap map;
        try {
            map = kubernetes.client().configMaps().inNamespace(namespace).withName(name).get();
        } catch (RuntimeException e) {
            if (reachable) {
                reachable = false;
                LOG.warn("Kubernetes API server unreachable ({}): ConfigMap {} keeps its last-known-good routes"
                        + " from {}", describe(e), name(), lastRead);
            }
            return;
        }
        contact();
        if (map == null) {
            gone();
        } else {
            apply(map, how);
        }
    }

    private void contact() {
        if (!reachable) {
            reachable = true;
            LOG.info("Kubernetes API server reachable again: following ConfigMap {}", name());
        }
        lastRead = Instant.now();
    }

    private void gone() {
        if (present) {
            present = false;
            LOG.warn("ConfigMap {} was deleted: its routes stay as they are until it is back; to remove a route,"
                    + " remove its key", name());
        }
    }

    private synchronized void apply(ConfigMap map, String how) {
        present = true;
        lastRead = Instant.now();
        Map<String, String> data = map.getData() == null ? Map.of() : map.getData();
        List<String> changed = folder.write(data);
        if (!changed.isEmpty()) {
            if (!how.equals("startup")) {
                updates.incrementAndGet();
            }
            LOG.info("ConfigMap {} ({}): route keys changed {}", name(), how, changed);
            afterChange.run();
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return root == e || root.getMessage() == null || message.contains(root.getMessage()) ? message
                : message + ": " + root.getMessage();
    }

    @Override
    public void close() {
        if (resyncs != null) {
            resyncs.shutdownNow();
        }
    }

    /** The ConfigMap could not be read at startup. */
    public static final class ConfigMapUnavailable extends RuntimeException {
        ConfigMapUnavailable(String message) {
            super(message, null, false, false);
        }
    }
}
