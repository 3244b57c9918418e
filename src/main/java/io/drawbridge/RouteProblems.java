package io.drawbridge;

import io.drawbridge.config.ConfigProblem;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.edge.GatewayComponent;
import io.drawbridge.explain.ServedRoute;
import io.drawbridge.route.DrawbridgeComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;

/**
 * Every problem of the route files, as configuration problems ({@code file:line: route id, step: message}): each
 * file is loaded on its own into a Camel context that is never started, and every {@code drawbridge:} step and
 * {@code gateway:} listener is built, so one bad step does not hide the next. Nothing listens and nothing is
 * contacted; the steps are built with the stages they are handed.
 */
public final class RouteProblems {

    private RouteProblems() {
    }

    /**
     * @param locations  route locations ({@code file:routes/*.yaml}, {@code classpath:...}); others are skipped
     * @param properties the Camel properties the routes may use as {@code {{name}}}
     */
    public static List<ConfigProblem> find(Collection<String> locations, Map<String, String> properties,
                                           DrawbridgeComponent.Stages stages) {
        List<ConfigProblem> problems = new ArrayList<>();
        try (CamelContext context = new DefaultCamelContext()) {
            context.setSourceLocationEnabled(true);
            Properties initial = new Properties();
            initial.putAll(properties);
            context.getPropertiesComponent().setInitialProperties(initial);
            context.addComponent("drawbridge", new DrawbridgeComponent(stages));
            context.addComponent("gateway", new GatewayComponent(null));
            for (String location : locations) {
                load(context, location, problems);
            }
            for (RouteDefinition route : ((ModelCamelContext) context).getRouteDefinitions()) {
                if (route.getInput() != null) {
                    resolve(context, route, route.getInput().getEndpointUri(), route.getLocation(),
                            route.getLineNumber(), problems);
                }
                steps(context, route, route.getOutputs(), problems);
            }
        } catch (Exception e) {
            problems.add(new ConfigProblem("(routes)", 0, "routes", "cannot be checked: " + e.getMessage()));
        }
        return problems;
    }

    private static void load(CamelContext context, String location, List<ConfigProblem> problems) {
        if (!location.startsWith("file:") && !location.startsWith("classpath:")) {
            return;
        }
        Collection<Resource> resources;
        try {
            resources = PluginHelper.getPackageScanResourceResolver(context).findResources(location);
        } catch (Exception e) {
            problems.add(new ConfigProblem(location, 0, "routes", "cannot be read: " + root(e).getMessage()));
            return;
        }
        if (resources.isEmpty()) {
            problems.add(new ConfigProblem(location, 0, "routes", "matches no route file"));
        }
        for (Resource resource : resources) {
            try {
                for (RoutesBuilder builder : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)) {
                    context.addRoutes(builder);
                }
            } catch (Exception e) {
                problems.add(new ConfigProblem(file(resource.getLocation()), 0, "routes",
                        "is not a valid route file: " + oneLine(root(e).getMessage())));
            }
        }
    }

    private static void steps(CamelContext context, RouteDefinition route, List<ProcessorDefinition<?>> steps,
                              List<ConfigProblem> problems) {
        for (ProcessorDefinition<?> step : steps) {
            if (step instanceof SendDefinition<?> send && send.getEndpointUri() != null
                    && send.getEndpointUri().startsWith("drawbridge:")) {
                resolve(context, route, send.getEndpointUri(),
                        step.getLocation() != null ? step.getLocation() : route.getLocation(),
                        step.getLineNumber() > 0 ? step.getLineNumber() : route.getLineNumber(), problems);
            }
            steps(context, route, step.getOutputs(), problems);
        }
    }

    private static void resolve(CamelContext context, RouteDefinition route, String uri, String location, int line,
                                List<ConfigProblem> problems) {
        try {
            context.getEndpoint(context.resolvePropertyPlaceholders(uri));
        } catch (Exception e) {
            if (root(e) instanceof OfflineStages.NotContacted) {
                return; // e.g. a k8s:// upstream: its syntax was checked, the Service is not looked up
            }
            problems.add(new ConfigProblem(file(location), Math.max(line, 0),
                    "route " + route.getRouteId() + ", step " + uri, oneLine(root(e).getMessage())));
        }
    }

    /**
     * The gateway routes of the configuration's route files, as an explanation sees them (files that do not load
     * are left out: {@code check} names them).
     */
    public static List<ServedRoute> served(GatewayConfig config, Map<String, String> properties) {
        List<ServedRoute> served = new ArrayList<>();
        try (var offline = OfflineStages.of(config); CamelContext context = new DefaultCamelContext()) {
            context.setSourceLocationEnabled(true);
            Properties initial = new Properties();
            initial.putAll(config.properties());
            initial.putAll(properties);
            context.getPropertiesComponent().setInitialProperties(initial);
            context.addComponent("drawbridge", new DrawbridgeComponent(offline.stages()));
            context.addComponent("gateway", new GatewayComponent(null));
            for (String location : config.routes()) {
                load(context, location, new ArrayList<>());
            }
            for (RouteDefinition route : ((ModelCamelContext) context).getRouteDefinitions()) {
                var r = ServedRoute.of(route, uri -> {
                    try {
                        return context.resolvePropertyPlaceholders(uri);
                    } catch (RuntimeException e) {
                        return uri;
                    }
                });
                if (r != null) {
                    served.add(r);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the route files: " + e.getMessage(), e);
        }
        return served;
    }

    /** The problems of the configuration's route files, with the stages a check can build without I/O. */
    public static List<ConfigProblem> find(GatewayConfig config, Map<String, String> properties) {
        return find(config, properties, config.routes());
    }

    /** The same for these route locations (a ConfigMap's are the folder its keys were written to). */
    public static List<ConfigProblem> find(GatewayConfig config, Map<String, String> properties,
                                           Collection<String> locations) {
        try (var offline = OfflineStages.of(config)) {
            Map<String, String> all = new HashMap<>(config.properties());
            all.putAll(properties);
            return find(locations, all, offline.stages());
        }
    }

    private static String file(String location) {
        if (location == null) {
            return "(routes)";
        }
        return location.startsWith("file:") ? location.substring("file:".length()) : location;
    }

    private static Throwable root(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String oneLine(String message) {
        return message == null ? "(no message)" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
