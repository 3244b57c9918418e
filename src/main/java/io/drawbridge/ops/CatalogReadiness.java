package io.drawbridge.ops;

import io.drawbridge.identity.Catalog;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;

/**
 * The readiness check {@code catalog}: the catalog must have answered once, but only while a route needs it
 * (one with a {@code drawbridge:enrich} step, or route discovery, whose routes enrich). A gateway whose routes
 * never ask the catalog serves while the catalog is unreachable. Without discovery, the catalog is probed off
 * the caller's thread (the same read discovery does) until it answers once.
 */
public final class CatalogReadiness {

    private final Catalog catalog;
    private final Executor executor;
    private final BooleanSupplier discoveryReached;
    private final BooleanSupplier needed;
    private final AtomicBoolean reached = new AtomicBoolean();
    private final AtomicBoolean probing = new AtomicBoolean();

    /**
     * @param discoveryReached with route discovery on, whether it has read the catalog once; else {@code null}
     * @param needed           whether a route needs the catalog now (routes come and go with hot reload)
     */
    public CatalogReadiness(Catalog catalog, Executor executor, BooleanSupplier discoveryReached,
                            BooleanSupplier needed) {
        this.catalog = catalog;
        this.executor = executor;
        this.discoveryReached = discoveryReached;
        this.needed = needed;
    }

    /** For {@link Readiness}: {@code null} when ready, else what is missing. */
    public String problem() {
        if (discoveryReached != null) {
            return discoveryReached.getAsBoolean() ? null : "the catalog has not answered yet (route discovery)";
        }
        if (reached.get() || !needed.getAsBoolean()) {
            return null;
        }
        probe();
        return "the catalog has not answered yet (a route enriches identities from it)";
    }

    /** Reads the catalog once in the background, unless a read is already under way. */
    public void probe() {
        if (reached.get() || !probing.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    catalog.routedEntities();
                    reached.set(true);
                } catch (RuntimeException e) {
                    // still unreachable: the next readiness call tries again
                } finally {
                    probing.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            probing.set(false);
        }
    }

    /** Whether any route of the context has a {@code drawbridge:enrich} step (Kamelets' routes included). */
    public static boolean anyRouteEnriches(CamelContext context) {
        if (!(context instanceof ModelCamelContext model)) {
            return true;
        }
        for (RouteDefinition route : model.getRouteDefinitions()) {
            if (enriches(route.getOutputs())) {
                return true;
            }
        }
        return false;
    }

    private static boolean enriches(List<ProcessorDefinition<?>> steps) {
        for (ProcessorDefinition<?> step : steps) {
            if (step instanceof SendDefinition<?> send && send.getEndpointUri() != null) {
                String uri = send.getEndpointUri().replace("://", ":");
                if (uri.startsWith("drawbridge:enrich") || uri.startsWith("kamelet:drawbridge-enrich-action")) {
                    return true;
                }
            }
            if (enriches(step.getOutputs())) {
                return true;
            }
        }
        return false;
    }
}
