package io.drawbridge.route;

import io.drawbridge.config.PolicyConfig;
import io.drawbridge.edge.RequestTarget;
import io.drawbridge.identity.RoutedEntity;
import io.drawbridge.policy.Policies;
import io.drawbridge.policy.RoutePolicy;
import io.drawbridge.proxy.UpstreamTarget;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A route a catalog entity declares with its annotations, checked:
 * <pre>
 *   drawbridge.io/upstream: http://grafana.internal:3000     where to proxy (an http(s) URL)
 *   drawbridge.io/path:     /grafana                         the path prefix on the gateway
 *   drawbridge.io/allow:    owners, group:default/sre        who may pass, comma-separated
 *   drawbridge.io/login:    browser                          optional: none (default, bearer tokens only) or
 *                                                            browser (the session cookie too; needs login)
 *   drawbridge.io/authorization: upstream                    optional: gateway (default) or upstream (the
 *                                                            Authorization header is the app's; needs browser)
 * </pre>
 * {@code owners} means the entity's owner: the members of the owning group (members of its child groups too, as
 * for any group ref), or the owning user. Other terms are {@code group:} and {@code user:} entity refs.
 *
 * <p>An entity of {@code spec.type: mcp-server} becomes an MCP route ({@code gateway:<path>?mcp=true}), and its
 * {@code drawbridge.io/mcp-tools} annotation (required) says which tools may be called, one line (or
 * {@code ;}-separated part) per audience:
 * <pre>
 *   drawbridge.io/mcp-tools: "read: list_*, get_*; owners: *"
 * </pre>
 * {@code read} tools may be called by everyone {@code drawbridge.io/allow} admits, {@code owners} tools by the
 * owner only. Everyone admitted may discover ({@code initialize}, {@code tools/list}); other tools are refused.
 *
 * @param entity   the entity's ref, e.g. {@code component:default/grafana}
 * @param routeId  the Camel route id made from it
 * @param path     the normalized path prefix
 * @param upstream the upstream URL as written
 * @param allowed  the entity refs the policy lets in
 * @param login    the authenticate step's {@code login}: {@code none} or {@code browser}
 * @param authorization the authenticate step's {@code authorization}: {@code gateway} or {@code upstream}
 * @param mcp      the MCP tool lists of an {@code mcp-server} entity; {@code null} for other entities
 */
public record RouteDeclaration(String entity, String routeId, String path, String upstream, Set<String> allowed,
                               String login, String authorization, McpTools mcp) {

    /**
     * @param read   tool patterns everyone admitted may call
     * @param owners tool patterns only the owner may call
     * @param owner  the owner's ref
     */
    public record McpTools(List<String> read, List<String> owners, String owner) {
    }

    public RouteDeclaration(String entity, String routeId, String path, String upstream, Set<String> allowed,
                            String login, String authorization) {
        this(entity, routeId, path, upstream, allowed, login, authorization, null);
    }

    static final String MCP_TOOLS = "drawbridge.io/mcp-tools";

    /** Why an entity's declaration is not a route. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** Paths the catalog may never take: the gateway's own. */
    private static final List<String> RESERVED = List.of("/.well-known", "/dev-idp", "/oauth2");

    public static RouteDeclaration of(RoutedEntity entity) throws Invalid {
        Map<String, String> a = entity.annotations();
        String upstream = required(a, "drawbridge.io/upstream");
        String rawPath = required(a, "drawbridge.io/path");
        String allow = required(a, "drawbridge.io/allow");
        try {
            UpstreamTarget.parse(upstream);
        } catch (IllegalArgumentException e) {
            throw new Invalid("drawbridge.io/upstream: " + e.getMessage());
        }
        String path = path(rawPath);
        Set<String> allowed = new LinkedHashSet<>();
        for (String term : allow.split(",")) {
            String t = term.trim().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) {
                continue;
            }
            if (t.equals("owners")) {
                if (entity.owner() == null) {
                    throw new Invalid("drawbridge.io/allow: 'owners', but the entity has no owner");
                }
                allowed.add(entity.owner());
            } else if (t.startsWith("group:") || t.startsWith("user:")) {
                allowed.add(fullRef(t));
            } else {
                throw new Invalid("drawbridge.io/allow: unknown term '" + term.trim()
                        + "' (use owners, group:<namespace>/<name> or user:<namespace>/<name>)");
            }
        }
        if (allowed.isEmpty()) {
            throw new Invalid("drawbridge.io/allow names no one");
        }
        String login = choice(a, "drawbridge.io/login", "none", "browser");
        String authorization = choice(a, "drawbridge.io/authorization", "gateway", "upstream");
        if (authorization.equals("upstream") && !login.equals("browser")) {
            throw new Invalid("drawbridge.io/authorization: upstream needs drawbridge.io/login: browser (the"
                    + " session cookie is then the only way in)");
        }
        String id = routeIdOf(entity.ref());
        McpTools tools = RoutedEntity.MCP_SERVER.equals(entity.type()) ? mcpTools(entity) : null;
        if (tools == null && a.containsKey(MCP_TOOLS)) {
            throw new Invalid(MCP_TOOLS + " is only for entities of spec.type " + RoutedEntity.MCP_SERVER);
        }
        return new RouteDeclaration(entity.ref(), id, path, upstream, Set.copyOf(allowed), login, authorization,
                tools);
    }

    private static McpTools mcpTools(RoutedEntity entity) throws Invalid {
        String text = required(entity.annotations(), MCP_TOOLS);
        List<String> read = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        for (String part : text.split("[;\\n]")) {
            if (part.isBlank()) {
                continue;
            }
            int colon = part.indexOf(':');
            String who = colon < 0 ? "" : part.substring(0, colon).strip();
            List<String> into = who.equals("read") ? read : who.equals("owners") ? owners : null;
            if (into == null) {
                throw new Invalid(MCP_TOOLS + ": '" + part.strip() + "' does not start with read: or owners:");
            }
            for (String tool : part.substring(colon + 1).split(",")) {
                String t = tool.strip();
                if (t.startsWith("\"") && t.endsWith("\"") && t.length() > 1) {
                    t = t.substring(1, t.length() - 1);
                }
                if (t.isEmpty() || t.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
                    throw new Invalid(MCP_TOOLS + ": '" + tool.strip() + "' is not a tool name or pattern");
                }
                into.add(t);
            }
        }
        if (!owners.isEmpty() && entity.owner() == null) {
            throw new Invalid(MCP_TOOLS + ": owners: tools, but the entity has no owner");
        }
        if (read.isEmpty() && owners.isEmpty()) {
            throw new Invalid(MCP_TOOLS + " names no tool");
        }
        return new McpTools(List.copyOf(read), List.copyOf(owners), entity.owner());
    }

    /** The authenticate step's parameters, as the route's URI query. */
    public String authenticateQuery() {
        return "login=" + login + "&authorization=" + authorization;
    }

    /** An optional annotation with a fixed set of values; absent means the first. */
    private static String choice(Map<String, String> annotations, String name, String... values) throws Invalid {
        String value = annotations.get(name);
        if (value == null) {
            return values[0];
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!List.of(values).contains(v)) {
            throw new Invalid(name + ": must be " + String.join(" or ", values) + ", not '" + value.trim() + "'");
        }
        return v;
    }

    /** The Camel route id of the route an entity declares: {@code catalog-component-default-echo}. */
    public static String routeIdOf(String entityRef) {
        return RoutedEntity.routeIdOf(entityRef);
    }

    /** The policy: one allow rule naming the allowed refs, matched against the caller's catalog roles. */
    public RoutePolicy policy() {
        List<PolicyConfig.RuleConfig> rules = new ArrayList<>();
        if (mcp == null) {
            rules.add(new PolicyConfig.RuleConfig("catalog " + entity, List.copyOf(allowed), null, null, null, null,
                    null));
        } else {
            // both rules admit their callers to discovery; each lets them call only its own tools
            if (!mcp.read().isEmpty()) {
                rules.add(new PolicyConfig.RuleConfig("catalog " + entity + " read", List.copyOf(allowed), null, null,
                        null, null, null, null, null, mcp.read()));
            }
            if (!mcp.owners().isEmpty()) {
                rules.add(new PolicyConfig.RuleConfig("catalog " + entity + " owners", List.of(mcp.owner()), null,
                        null, null, null, null, null, null, mcp.owners()));
            }
        }
        String name = routeId;
        List<String> problems = new ArrayList<>();
        RoutePolicy policy = Policies.compile(Map.of(name, new PolicyConfig(false, null, rules, null)),
                (field, message) -> problems.add(field + ": " + message)).get(name);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("catalog policy for " + entity + ": " + problems);
        }
        return policy;
    }

    private static String required(Map<String, String> annotations, String name) throws Invalid {
        String value = annotations.get(name);
        if (value == null || value.isBlank()) {
            throw new Invalid(name + " is missing");
        }
        return value.trim();
    }

    private static String path(String raw) throws Invalid {
        String normalized;
        try {
            normalized = RequestTarget.parse(raw).path();
        } catch (RuntimeException e) {
            throw new Invalid("drawbridge.io/path: '" + raw + "' is not a plain path");
        }
        while (normalized.length() > 1 && normalized.endsWith("/")) {
            normalized = normalized.substring(0, normalized.length() - 1);
        }
        if (!normalized.equals(raw.trim()) && !(normalized + "/").equals(raw.trim())) {
            throw new Invalid("drawbridge.io/path: '" + raw + "' is not in normal form (" + normalized + ")");
        }
        if (normalized.equals("/")) {
            throw new Invalid("drawbridge.io/path: the catalog cannot take the whole gateway (/)");
        }
        for (String reserved : RESERVED) {
            if (normalized.equals(reserved) || normalized.startsWith(reserved + "/")) {
                throw new Invalid("drawbridge.io/path: " + reserved + " belongs to the gateway");
            }
        }
        return normalized;
    }

    private static String fullRef(String ref) throws Invalid {
        int colon = ref.indexOf(':');
        String kind = ref.substring(0, colon);
        String rest = ref.substring(colon + 1);
        String full = rest.contains("/") ? kind + ":" + rest : kind + ":default/" + rest;
        if (!full.matches("[a-z]+:[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*")) {
            throw new Invalid("drawbridge.io/allow: '" + ref + "' is not an entity ref");
        }
        return full;
    }
}
