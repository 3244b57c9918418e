package io.drawbridge.explain;

import io.drawbridge.identity.Catalog;
import io.drawbridge.policy.RoutePolicy;
import io.drawbridge.route.RouteDeclaration;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;

/**
 * A route as an explanation sees it: where it listens and what its steps do.
 *
 * @param id        the route id
 * @param host      the host it serves ({@code null}: any; exact or {@code *.suffix})
 * @param prefix    the path prefix it listens on
 * @param location  where it is written ({@code routes/echo.yaml:3}), or the catalog entity declaring it
 * @param steps     its {@code drawbridge:} steps, in order: {@code authenticate?login=browser}, {@code enrich}, ...
 * @param policy    the policy its authorize step applies by name; {@code null} when it has no authorize step
 * @param declared  the policy of a catalog-declared route (not in the configuration), else {@code null}
 */
public record ServedRoute(String id, String host, String prefix, String location, List<String> steps, String policy,
                          RoutePolicy declared) {

    public ServedRoute {
        steps = List.copyOf(steps);
    }

    public boolean authenticates() {
        return steps.stream().anyMatch(s -> s.startsWith("authenticate"));
    }

    public boolean enriches() {
        return steps.stream().anyMatch(s -> s.startsWith("enrich"));
    }

    /** The route's listener and steps from its Camel model; {@code null} for a route that is no gateway route. */
    public static ServedRoute of(RouteDefinition route, UnaryOperator<String> placeholders) {
        if (route.getInput() == null || route.getInput().getEndpointUri() == null) {
            return null;
        }
        String from = placeholders.apply(route.getInput().getEndpointUri());
        if (!from.startsWith("gateway:")) {
            return null;
        }
        String target = from.substring("gateway:".length());
        int query = target.indexOf('?');
        String prefix = normalize(query < 0 ? target : target.substring(0, query));
        String host = query < 0 ? null : parameters(target.substring(query + 1)).get("host");
        List<String> steps = new ArrayList<>();
        String policy = null;
        boolean authorizes = false;
        for (String uri : sends(route.getOutputs(), new ArrayList<>())) {
            String step = placeholders.apply(uri).substring("drawbridge:".length());
            steps.add(step);
            if (step.startsWith("authorize")) {
                authorizes = true;
                int q = step.indexOf('?');
                policy = q < 0 ? null : parameters(step.substring(q + 1)).get("policy");
            }
        }
        String location = route.getLocation() == null ? null : route.getLocation().replaceFirst("^file:", "")
                + (route.getLineNumber() > 0 ? ":" + route.getLineNumber() : "");
        return new ServedRoute(route.getRouteId(), host == null ? null : host.toLowerCase(Locale.ROOT),
                prefix, location, steps, authorizes ? (policy != null ? policy : route.getRouteId()) : null, null);
    }

    /** A route a catalog entity declares: authenticate, enrich, authorize with the declared refs, proxy. */
    public static ServedRoute declared(RouteDeclaration declaration) {
        return new ServedRoute(declaration.routeId(), null, normalize(declaration.path()),
                "catalog " + declaration.entity(), List.of("authenticate", "enrich", "authorize", "proxy"),
                null, declaration.policy());
    }

    /** The routes the catalog's entities declare; invalid declarations are left out, as the gateway leaves them. */
    public static List<ServedRoute> declaredIn(Catalog catalog) {
        List<ServedRoute> routes = new ArrayList<>();
        for (var entity : catalog.routedEntities()) {
            if (!entity.declaresRoute()) {
                continue;
            }
            try {
                routes.add(declared(RouteDeclaration.of(entity)));
            } catch (RouteDeclaration.Invalid e) {
                // refused by the gateway too
            }
        }
        return routes;
    }

    private static List<String> sends(List<ProcessorDefinition<?>> outputs, List<String> found) {
        for (ProcessorDefinition<?> step : outputs) {
            if (step instanceof SendDefinition<?> send && send.getEndpointUri() != null
                    && send.getEndpointUri().startsWith("drawbridge:")) {
                found.add(send.getEndpointUri());
            }
            sends(step.getOutputs(), found);
        }
        return found;
    }

    static String normalize(String prefix) {
        String p = prefix.startsWith("/") ? prefix : "/" + prefix;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static Map<String, String> parameters(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                parameters.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    /** Whether this route serves the host and normalized path, as the gateway's route table matches. */
    boolean serves(String requestHost, String path) {
        if (host != null) {
            boolean hostMatches = host.startsWith("*.")
                    ? requestHost.endsWith(host.substring(1)) && requestHost.length() > host.length() - 1
                    : host.equals(requestHost);
            if (!hostMatches) {
                return false;
            }
        }
        return prefix.equals("/") || path.startsWith(prefix)
                && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }
}
