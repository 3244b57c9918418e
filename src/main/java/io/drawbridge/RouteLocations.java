package io.drawbridge;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;

/**
 * Turns Camel's "failed to create route" into {@code file:line: route id, step: what is wrong}, using the source
 * locations Camel records for YAML and Java routes, so a bad route is fixed without reading a stack trace.
 */
final class RouteLocations {

    private static final Pattern STEP = Pattern.compile(">>> \\w+\\[(.*?)] <<<");

    private RouteLocations() {
    }

    /** A one-line description of where the failing route step is, or {@code null} when it cannot be found. */
    static String describe(CamelContext context, Throwable failure) {
        FailedToCreateRouteException routeFailure = find(failure);
        if (routeFailure == null || !(context instanceof ModelCamelContext model)) {
            return null;
        }
        RouteDefinition route = model.getRouteDefinition(routeFailure.getRouteId());
        if (route == null) {
            return null;
        }
        String uri = null;
        Matcher m = STEP.matcher(String.valueOf(routeFailure.getMessage()));
        if (m.find()) {
            uri = m.group(1);
        }
        String location = route.getLocation();
        int line = route.getLineNumber();
        if (uri != null) {
            for (ProcessorDefinition<?> step : route.getOutputs()) {
                if (step instanceof SendDefinition<?> send && uri.equals(send.getEndpointUri())) {
                    location = step.getLocation() != null ? step.getLocation() : location;
                    line = step.getLineNumber() > 0 ? step.getLineNumber() : line;
                    break;
                }
            }
        }
        Throwable root = routeFailure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return (location == null ? "" : location + (line > 0 ? ":" + line : "") + ": ")
                + "route " + routeFailure.getRouteId() + (uri == null ? "" : ", step " + uri) + ": "
                + root.getMessage();
    }

    private static FailedToCreateRouteException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FailedToCreateRouteException f) {
                return f;
            }
        }
        return null;
    }
}
