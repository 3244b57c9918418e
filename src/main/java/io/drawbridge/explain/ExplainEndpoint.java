package io.drawbridge.explain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.identity.Identity;
import io.drawbridge.identity.RoleSource;
import io.drawbridge.policy.Policies;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The management port's {@code POST /explain}: the running gateway's routes, current policies and catalog, asked
 * about one request.
 *
 * <pre>{@code
 * {"method": "GET", "url": "https://portal.example.com/grafana/api/x", "user": "alice",
 *  "groups": ["sre"], "email": "alice@example.com", "claims": {"department": "observability"}, "offline": false}
 * }</pre>
 * answered with the same JSON as {@code drawbridge explain --json}. Without {@code user}, the request is anonymous.
 */
public final class ExplainEndpoint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<List<ServedRoute>> routes;
    private final Supplier<Policies> policies;
    private final RoleSource roles;
    private final String issuer;

    /** @param issuer the issuer name explained identities carry (the first configured), or {@code null} */
    public ExplainEndpoint(Supplier<List<ServedRoute>> routes, Supplier<Policies> policies, RoleSource roles,
                           String issuer) {
        this.routes = routes;
        this.policies = policies;
        this.roles = roles;
        this.issuer = issuer;
    }

    /** @throws IllegalArgumentException when the request is not one (answered 400) */
    public String handle(String body) {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON");
        }
        if (request == null || !request.isObject()) {
            throw new IllegalArgumentException("POST a JSON object with method, url and user");
        }
        String method = text(request, "method", "GET");
        String url = text(request, "url", null);
        if (url == null) {
            throw new IllegalArgumentException("url is required, e.g. https://portal.example.com/grafana/");
        }
        boolean offline = request.path("offline").asBoolean(false);
        RequestExplanation explanation = new RequestExplainer(routes.get(), policies.get(), offline ? null : roles)
                .explain(method, url, identity(request), offline);
        return ExplanationReport.json(explanation).toString();
    }

    private Identity identity(JsonNode request) {
        String user = text(request, "user", null);
        if (user == null) {
            return null;
        }
        Set<String> groups = new LinkedHashSet<>();
        request.path("groups").forEach(g -> groups.add(g.asText()));
        Map<String, Object> claims = new HashMap<>();
        request.path("claims").properties().forEach(e -> claims.put(e.getKey(), e.getValue().isArray()
                ? JSON.convertValue(e.getValue(), List.class) : e.getValue().isTextual() ? e.getValue().asText()
                : JSON.convertValue(e.getValue(), Object.class)));
        return new Identity(user, user, text(request, "email", null), groups, issuer, null, claims, null);
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string");
        }
        return value.asText();
    }
}
