package io.drawbridge.edge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.policy.Decision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.processor.SendProcessor;

/**
 * Serves {@code /.well-known/oauth-protected-resource/<route path>} (RFC 9728) for every MCP route: the route's
 * {@code resource} URL, the {@code authorization_servers} its authenticate step accepts tokens from, its
 * {@code scopes_supported} and {@code bearer_methods_supported}. Public by design, as discovery must be; a path that
 * is no MCP route's answers 404.
 */
public final class ProtectedResourceMetadata implements Processor {

    public static final String PATH = McpResponses.METADATA_PATH;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(ExchangeKeys.DECISION, Decision.allow(Reason.PUBLIC_ROUTE, "built-in:mcp-metadata", null));
        ClientRequest request = exchange.getProperty(ExchangeKeys.CLIENT_REQUEST, ClientRequest.class);
        var message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader("Content-Type", "application/json");
        message.setHeader("Cache-Control", "no-store");
        String path = request.target().path().substring(PATH.length());
        RouteTable.Match match = path.isEmpty() ? null
                : request.connection().listener().routes().match(request.host(), path);
        GatewayEndpoint endpoint = match == null ? null : match.consumer().getEndpoint();
        if (endpoint == null || !endpoint.isMcp() || !endpoint.getPrefix().equals(path)) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            message.setBody("{\"error\":\"not_found\"}\n");
            return;
        }
        ObjectNode doc = JSON.createObjectNode().put("resource", McpResponses.resource(endpoint, request));
        acceptedIssuers(exchange, match.consumer().getRouteId()).forEach(doc.putArray("authorization_servers")::add);
        var scopes = doc.putArray("scopes_supported");
        if (endpoint.getScopes() != null) {
            Arrays.stream(endpoint.getScopes().split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .forEach(scopes::add);
        }
        doc.putArray("bearer_methods_supported").add("header");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setBody(doc.toString());
    }

    /** The issuers of the route's authenticate steps, found by walking the route's processors. */
    private static List<String> acceptedIssuers(Exchange exchange, String routeId) {
        Route route = exchange.getContext().getRoute(routeId);
        Set<String> issuers = new LinkedHashSet<>();
        if (route != null) {
            collect(route.navigate(), issuers);
        }
        return new ArrayList<>(issuers);
    }

    private static void collect(Navigate<Processor> nav, Set<String> issuers) {
        if (nav == null || !nav.hasNext()) {
            return;
        }
        for (Processor p : nav.next()) {
            if (p instanceof SendProcessor send && send.getDestination() instanceof TokenAcceptor acceptor) {
                issuers.addAll(acceptor.acceptedIssuers());
            }
            if (p instanceof Navigate<?> child) {
                @SuppressWarnings("unchecked")
                Navigate<Processor> next = (Navigate<Processor>) child;
                collect(next, issuers);
            }
        }
    }
}
