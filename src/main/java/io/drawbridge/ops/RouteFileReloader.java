package io.drawbridge.ops;

import io.drawbridge.Outcome;
import io.drawbridge.Reason;
import io.drawbridge.audit.AuditRecord;
import io.drawbridge.audit.AuditSink;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a changed route file without a restart. The new file is parsed and every endpoint it names is built
 * (an unknown policy, a bad upstream URL fail here) before anything running is touched; an invalid file is
 * refused with a log line and an audit event, and the running routes stay. A valid one replaces the routes that
 * came from that file: requests arriving during the swap wait for the new route (the listener holds them), and
 * requests in flight finish on the old one.
 */
public final class RouteFileReloader {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileReloader.class);

    private final CamelContext context;
    private final AuditSink audit;
    private final SwapWindow swaps;

    /** Marks route prefixes as being swapped, so the listener holds their requests instead of refusing them. */
    public interface SwapWindow {
        void begin(Collection<String> routeIds);

        void end(Collection<String> routeIds);
    }

    public RouteFileReloader(CamelContext context, AuditSink audit, SwapWindow swaps) {
        this.context = context;
        this.audit = audit;
        this.swaps = swaps;
    }

    /** Reloads the routes of {@code file}: changed, created, or deleted ({@code exists} false). */
    public synchronized boolean reload(Path file, boolean exists) {
        String location = "file:" + file.toAbsolutePath().normalize();
        List<Route> old = context.getRoutes().stream().filter(r -> sameFile(r, file)).toList();
        List<String> oldIds = old.stream().map(Route::getRouteId).toList();
        List<RouteDefinition> fresh = List.of();
        if (exists) {
            try {
                fresh = parse(location);
                validate(fresh, oldIds);
            } catch (Exception e) {
                refuse(file, describe(e));
                return false;
            }
        }
        ModelCamelContext model = (ModelCamelContext) context;
        List<RouteDefinition> previous = oldIds.stream().map(model::getRouteDefinition)
                .filter(Objects::nonNull).toList();
        swaps.begin(oldIds);
        try {
            for (String id : oldIds) {
                context.getRouteController().stopRoute(id, 30, TimeUnit.SECONDS);
                context.removeRoute(id);
            }
            try {
                model.addRouteDefinitions(fresh);
            } catch (Exception e) {
                for (RouteDefinition d : fresh) {
                    removeQuietly(d.getRouteId());
                }
                model.addRouteDefinitions(previous);
                refuse(file, describe(e) + " (the previous routes were restored)");
                return false;
            }
        } catch (Exception e) {
            refuse(file, "could not swap the routes: " + describe(e));
            return false;
        } finally {
            swaps.end(oldIds);
        }
        LOG.info("routes reloaded from {}: {} -> {}", file, oldIds,
                fresh.stream().map(RouteDefinition::getRouteId).toList());
        return true;
    }

    private List<RouteDefinition> parse(String location) throws Exception {
        Resource resource = PluginHelper.getResourceLoader(context).resolveResource(location);
        RoutesLoader loader = PluginHelper.getRoutesLoader(context);
        List<RouteDefinition> definitions = new ArrayList<>();
        for (RoutesBuilder builder : loader.findRoutesBuilders(List.of(resource))) {
            if (!(builder instanceof RouteBuilder routeBuilder)) {
                throw new IllegalArgumentException("not a route file");
            }
            definitions.addAll(routeBuilder.configureRoutes(context).getRoutes());
        }
        for (RouteDefinition d : definitions) {
            if (d.getRouteId() == null) {
                throw new IllegalArgumentException("every route needs an id (route at line " + d.getLineNumber() + ")");
            }
        }
        return definitions;
    }

    /** Builds every endpoint the new routes name, and refuses ids another file already uses. */
    private void validate(List<RouteDefinition> fresh, List<String> replaced) {
        Set<String> ids = fresh.stream().map(RouteDefinition::getRouteId).collect(Collectors.toSet());
        if (ids.size() != fresh.size()) {
            throw new IllegalArgumentException("the file declares a route id twice");
        }
        for (String id : ids) {
            if (context.getRoute(id) != null && !replaced.contains(id)) {
                throw new IllegalArgumentException("route id '" + id + "' is already used by another file");
            }
        }
        for (RouteDefinition d : fresh) {
            FromDefinition from = d.getInput();
            String where = "route " + d.getRouteId() + " (line " + d.getLineNumber() + ")";
            context.getEndpoint(resolve(from.getEndpointUri()));
            for (ProcessorDefinition<?> step : d.getOutputs()) {
                if (step instanceof SendDefinition<?> send) {
                    try {
                        context.getEndpoint(resolve(send.getEndpointUri()));
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException(where + ", step " + send.getEndpointUri() + " (line "
                                + step.getLineNumber() + "): " + describe(e), e);
                    }
                }
            }
        }
    }

    private String resolve(String uri) {
        return context.resolvePropertyPlaceholders(uri);
    }

    private void refuse(Path file, String why) {
        LOG.warn("route file {} refused; the running routes stay as they are: {}", file, why);
        audit.accept(rejected(file + ": " + why));
    }

    /** The audit event of a refused configuration change (not a request: no client, no route). */
    static AuditRecord rejected(String detail) {
        return new AuditRecord(Instant.now(), "reload-" + Long.toString(System.nanoTime(), 36), Outcome.ERROR,
                Reason.CONFIG_REJECTED.code(), detail, null, null, null, List.of(), null, null, "-", "-", "", 0, null,
                null, 0, 0, 0, null, null);
    }

    private void removeQuietly(String id) {
        try {
            if (id != null && context.getRoute(id) != null) {
                context.getRouteController().stopRoute(id);
                context.removeRoute(id);
            }
        } catch (Exception e) {
            LOG.error("cannot remove route {}: {}", id, e.getMessage());
        }
    }

    private static boolean sameFile(Route route, Path file) {
        Resource source = route.getSourceResource();
        if (source == null || source.getLocation() == null) {
            return false;
        }
        String location = source.getLocation();
        int colon = location.indexOf(':');
        String path = colon >= 0 && location.startsWith("file:") ? location.substring(colon + 1) : location;
        return Path.of(path).toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize());
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return e == root || e.getMessage() == null ? message : e.getMessage().contains(message) ? e.getMessage()
                : e.getMessage() + ": " + message;
    }
}
