package io.drawbridge;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.util.URISupport;

/**
 * Turns Camel's "failed to create route" into {@code file:line: route id, step: what is wrong}, using the source
 * locations Camel records for YAML and Java routes, so a bad route is fixed without reading a stack trace.
 */
final class RouteLocations {

    private static final Pattern STEP = Pattern.compile(">>> \\w+\\[(.*?)] <<<");
    private static final Pattern OWN_STEP = Pattern.compile("drawbridge:|kamelet:drawbridge-");
    private static final Pattern LOGIN = Pattern.compile("[?&]login=([A-Za-z-]+)(?:&|$)");
    private static final String MASK = "xxxxxx"; // what Camel's URISupport.sanitizeUri puts in a secret's place

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
        String login = null;
        if (uri != null) {
            for (ProcessorDefinition<?> step : route.getOutputs()) {
                // Camel's message shows the step sanitized (secrets as xxxxxx): compare it so
                if (step instanceof SendDefinition<?> send && uri.equals(URISupport.sanitizeUri(send.getEndpointUri()))) {
                    location = step.getLocation() != null ? step.getLocation() : location;
                    line = step.getLineNumber() > 0 ? step.getLineNumber() : line;
                    login = loginMode(send.getEndpointUri());
                    break;
                }
            }
        }
        Throwable root = routeFailure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return (location == null ? "" : location + (line > 0 ? ":" + line : "") + ": ")
                + "route " + routeFailure.getRouteId() + (uri == null ? "" : ", step " + shown(uri, login)) + ": "
                + shown(root.getMessage(), login);
    }

    /**
     * The {@code login} option of one of the gateway's own steps ({@code none} or {@code browser}), which Camel
     * masks in messages as if it were a password; {@code null} for any other step, whose masking stands.
     */
    private static String loginMode(String uri) {
        if (!OWN_STEP.matcher(uri).lookingAt()) {
            return null;
        }
        Matcher m = LOGIN.matcher(uri);
        return m.find() ? m.group(1) : null;
    }

    private static String shown(String text, String login) {
        return login == null || text == null ? text : text.replace("login=" + MASK, "login=" + login);
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
