package io.drawbridge.identity;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Component or Resource that declares a gateway route through {@code drawbridge.io/*} annotations.
 *
 * @param ref          e.g. {@code component:default/grafana}
 * @param annotations  its {@code drawbridge.io/*} annotations (and only those), e.g. {@code drawbridge.io/path}
 * @param owner        the owner ({@code spec.owner}, the {@code ownedBy} relation) as a full ref, e.g.
 *                     {@code group:default/sre} or {@code user:default/carol}; {@code null} when it has none
 * @param ownerMembers the users who own it: the direct members of the owner group, or the owner itself when it
 *                     is a user; as full refs
 * @param type         its {@code spec.type}, e.g. {@code service} or {@code mcp-server}; {@code null} when unset
 */
public record RoutedEntity(String ref, Map<String, String> annotations, String owner, Set<String> ownerMembers,
                           String type) {

    /** The {@code spec.type} of an entity that is an MCP server: its route is an MCP route. */
    public static final String MCP_SERVER = "mcp-server";

    public RoutedEntity(String ref, Map<String, String> annotations, String owner, Set<String> ownerMembers) {
        this(ref, annotations, owner, ownerMembers, null);
    }

    /** An entity carrying any of these is a route declaration. */
    public static final List<String> ANNOTATIONS = List.of(
            "drawbridge.io/upstream", "drawbridge.io/path", "drawbridge.io/allow");
    public static final String PREFIX = "drawbridge.io/";
    /**
     * {@code drawbridge.io/routes: echo, grafana}: the entity owns these hand-written routes (by route id), so
     * their refusal pages name its owner. It declares no route by itself.
     */
    public static final String OWNED_ROUTES = "drawbridge.io/routes";
    /** What catalogs select entities by: the declarations and the ownership claims. */
    public static final List<String> SELECTED = List.of(
            "drawbridge.io/upstream", "drawbridge.io/path", "drawbridge.io/allow", OWNED_ROUTES);

    /** Whether the entity declares a route (rather than only claiming hand-written ones). */
    public boolean declaresRoute() {
        return ANNOTATIONS.stream().anyMatch(annotations::containsKey);
    }

    public RoutedEntity {
        annotations = Map.copyOf(annotations);
        ownerMembers = Set.copyOf(ownerMembers);
    }

    /**
     * The Camel route id of the route an entity declares: {@code catalog-component-default-echo}. Here, beside the
     * entity, so that every stage that names catalog routes (route declarations, access approvers) agrees on it.
     */
    public static String routeIdOf(String entityRef) {
        return "catalog-" + entityRef.replaceAll("[^a-z0-9-]+", "-");
    }
}
