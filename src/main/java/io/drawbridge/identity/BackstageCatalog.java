package io.drawbridge.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog of a Backstage backend, through its REST API ({@code /api/catalog/entities/by-query},
 * {@code by-name}, {@code by-refs}), authenticated with a static external-access token. Each request has
 * {@code timeout} to complete, body included; answers over 4 MiB, error statuses, redirects and JSON of the
 * wrong shape are {@link CatalogUnavailable}, never an empty answer. Relations are read as Backstage
 * wrote them ({@code memberOf}, {@code childOf}, {@code ownedBy}, {@code hasMember}), which already include what
 * groups say about their members and children. The token is never logged.
 */
public final class BackstageCatalog implements Catalog {

    private static final Logger LOG = LoggerFactory.getLogger(BackstageCatalog.class);
    static final int PAGE_SIZE = 200;
    static final int MAX_PAGES = 100;
    private static final String USER_FIELDS = "kind,metadata.name,metadata.namespace,spec.profile.email,"
            + "spec.memberOf,relations";
    private static final String ROUTED_FIELDS = "kind,metadata.name,metadata.namespace,metadata.annotations,"
            + "spec.owner,spec.type,relations";

    private final BackstageApi api;
    private final int pageSize;

    /**
     * @param baseUrl the backend, e.g. {@code http://backstage:7007}
     * @param token   a static external-access token
     * @param timeout for each request, from connecting to the last byte of the body
     */
    public BackstageCatalog(URI baseUrl, String token, Duration timeout) {
        this(baseUrl, token, timeout, PAGE_SIZE);
    }

    /** @param pageSize entities per by-query page (Backstage's {@code limit}) */
    BackstageCatalog(URI baseUrl, String token, Duration timeout, int pageSize) {
        this.api = new BackstageApi(baseUrl, token, timeout);
        this.pageSize = pageSize;
    }

    @Override
    public Optional<CatalogUser> userByEmail(String email) {
        if (email.isBlank() || email.indexOf(',') >= 0 || email.indexOf('=') >= 0) {
            return Optional.empty(); // not expressible in a filter, so no User can be found by it
        }
        String wanted = email.toLowerCase(Locale.ROOT);
        List<CatalogUser> found = new ArrayList<>();
        query("filter=" + encode("kind=user,spec.profile.email=" + email), USER_FIELDS, entity -> {
            CatalogUser user = user(entity);
            if (user.email() != null && user.email().toLowerCase(Locale.ROOT).equals(wanted)) {
                found.add(user);
            }
        });
        if (found.size() > 1) {
            LOG.warn("catalog: {} users have the e-mail address of a caller; none is used", found.size());
            return Optional.empty();
        }
        return found.stream().findFirst();
    }

    @Override
    public Optional<CatalogUser> userByName(String name) {
        if (!EntityRef.isValidName(name)) {
            return Optional.empty(); // no entity can have this name; and it must not shape the request path
        }
        Optional<JsonNode> entity = api.get("entities/by-name/user/default/" + name, true);
        return entity.map(e -> user(object(e, "the entity")));
    }

    @Override
    public Map<String, Set<String>> parentsOf(Set<String> groupRefs) {
        List<String> refs = groupRefs.stream().map(r -> r.toLowerCase(Locale.ROOT)).distinct().toList();
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        List<JsonNode> items = byRefs(refs, List.of("kind", "metadata.name", "metadata.namespace", "spec.parent",
                "relations"));
        for (int i = 0; i < refs.size(); i++) {
            Set<String> found = new LinkedHashSet<>();
            JsonNode group = items.get(i);
            if (group != null) {
                EntityRef self = refOf(group);
                related(group, "childOf", found::add);
                JsonNode parent = group.path("spec").path("parent");
                if (parent.isTextual()) {
                    found.add(parse(parent.textValue(), "group", self.namespace()));
                }
            }
            parents.put(refs.get(i), found);
        }
        return parents;
    }

    @Override
    public List<RoutedEntity> routedEntities() {
        StringBuilder filters = new StringBuilder();
        for (String kind : List.of("component", "resource")) {
            for (String annotation : RoutedEntity.SELECTED) {
                filters.append(filters.isEmpty() ? "" : "&").append("filter=")
                        .append(encode("kind=" + kind + ",metadata.annotations." + annotation));
            }
        }
        List<JsonNode> entities = new ArrayList<>();
        query(filters.toString(), ROUTED_FIELDS, entities::add);
        Map<String, String> owners = new LinkedHashMap<>();
        for (JsonNode entity : entities) {
            Set<String> owned = new LinkedHashSet<>();
            related(entity, "ownedBy", owned::add);
            owners.put(refOf(entity).toString(), owned.stream().findFirst().orElse(null));
        }
        Map<String, Set<String>> members = members(owners.values().stream()
                .filter(o -> o != null && o.startsWith("group:")).distinct().toList());
        List<RoutedEntity> routed = new ArrayList<>();
        for (JsonNode entity : entities) {
            String ref = refOf(entity).toString();
            Map<String, String> annotations = new LinkedHashMap<>();
            entity.path("metadata").path("annotations").properties().forEach(a -> {
                if (a.getKey().startsWith(RoutedEntity.PREFIX)) {
                    annotations.put(a.getKey(), a.getValue().asText());
                }
            });
            String owner = owners.get(ref);
            Set<String> ownerMembers = owner == null ? Set.of()
                    : owner.startsWith("user:") ? Set.of(owner) : members.getOrDefault(owner, Set.of());
            routed.add(new RoutedEntity(ref, annotations, owner, ownerMembers,
                    entity.path("spec").path("type").asText(null)));
        }
        return routed;
    }

    @Override
    public String toString() {
        return "BackstageCatalog[" + api + "]";
    }

    private Map<String, Set<String>> members(List<String> groups) {
        Map<String, Set<String>> members = new LinkedHashMap<>();
        List<JsonNode> items = groups.isEmpty() ? List.of() : byRefs(groups, List.of("relations"));
        for (int i = 0; i < groups.size(); i++) {
            Set<String> users = new LinkedHashSet<>();
            if (items.get(i) != null) {
                related(items.get(i), "hasMember", users::add);
            }
            members.put(groups.get(i), users);
        }
        return members;
    }

    private static CatalogUser user(JsonNode entity) {
        EntityRef ref = refOf(entity);
        if (!ref.isKind("user")) {
            throw new CatalogUnavailable("the catalog answered a " + ref.kind() + " for a user");
        }
        Set<String> groups = new LinkedHashSet<>();
        related(entity, "memberOf", groups::add);
        JsonNode memberOf = entity.path("spec").path("memberOf");
        if (memberOf.isArray()) {
            memberOf.forEach(g -> groups.add(parse(g.asText(), "group", ref.namespace())));
        }
        groups.removeIf(g -> !g.startsWith("group:"));
        JsonNode email = entity.path("spec").path("profile").path("email");
        return new CatalogUser(ref, email.isTextual() ? email.textValue() : null, groups);
    }

    /** The target of each relation of this type; relations must be a list of {type, targetRef} objects. */
    private static void related(JsonNode entity, String type, Consumer<String> each) {
        JsonNode relations = entity.path("relations");
        if (relations.isMissingNode()) {
            return;
        }
        if (!relations.isArray()) {
            throw new CatalogUnavailable("malformed entity: relations is not a list");
        }
        for (JsonNode relation : relations) {
            if (!relation.path("type").isTextual() || !relation.path("targetRef").isTextual()) {
                throw new CatalogUnavailable("malformed entity: a relation without type or targetRef");
            }
            if (relation.get("type").textValue().equals(type)) {
                each.accept(parse(relation.get("targetRef").textValue(), null, null));
            }
        }
    }

    private static EntityRef refOf(JsonNode entity) {
        try {
            return CatalogEntities.refOf(entity);
        } catch (IllegalArgumentException e) {
            throw new CatalogUnavailable("malformed entity: " + e.getMessage());
        }
    }

    private static String parse(String ref, String defaultKind, String namespace) {
        try {
            return EntityRef.parse(ref, defaultKind, namespace == null ? EntityRef.DEFAULT_NAMESPACE : namespace)
                    .toString();
        } catch (IllegalArgumentException e) {
            throw new CatalogUnavailable("malformed entity: " + e.getMessage());
        }
    }

    /** Every item of a by-query, following {@code pageInfo.nextCursor}. */
    private void query(String filters, String fields, Consumer<JsonNode> each) {
        String query = filters + "&fields=" + encode(fields) + "&limit=" + pageSize;
        Set<String> cursors = new HashSet<>();
        for (int page = 0; page < MAX_PAGES; page++) {
            JsonNode answer = object(api.get("entities/by-query?" + query, false).orElseThrow(), "by-query");
            for (JsonNode item : array(answer.get("items"), "by-query items")) {
                each.accept(object(item, "a by-query item"));
            }
            JsonNode cursor = answer.path("pageInfo").path("nextCursor");
            if (cursor.isMissingNode() || cursor.isNull()) {
                return;
            }
            if (!cursor.isTextual() || !cursors.add(cursor.textValue())) {
                throw new CatalogUnavailable("by-query: a nextCursor that is not text, or seen before");
            }
            query = "cursor=" + encode(cursor.textValue()) + "&fields=" + encode(fields) + "&limit=" + pageSize;
        }
        throw new CatalogUnavailable("by-query: more than " + MAX_PAGES + " pages");
    }

    /** The entities of these refs in their order, {@code null} for those the catalog does not have. */
    private List<JsonNode> byRefs(List<String> refs, List<String> fields) {
        ObjectNode body = BackstageApi.JSON.createObjectNode();
        refs.forEach(body.putArray("entityRefs")::add);
        fields.forEach(body.putArray("fields")::add);
        JsonNode answer = object(api.post("entities/by-refs", body), "by-refs");
        ArrayNode items = array(answer.get("items"), "by-refs items");
        if (items.size() != refs.size()) {
            throw new CatalogUnavailable("by-refs: " + items.size() + " items for " + refs.size() + " refs");
        }
        List<JsonNode> result = new ArrayList<>();
        items.forEach(item -> result.add(item.isNull() ? null : object(item, "a by-refs item")));
        return result;
    }

    private static ObjectNode object(JsonNode node, String what) {
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new CatalogUnavailable("malformed answer: " + what + " is not an object");
    }

    private static ArrayNode array(JsonNode node, String what) {
        if (node instanceof ArrayNode array) {
            return array;
        }
        throw new CatalogUnavailable("malformed answer: " + what + " is not a list");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
