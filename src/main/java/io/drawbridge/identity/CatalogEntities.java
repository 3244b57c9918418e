package io.drawbridge.identity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entities read from {@code catalog-info.yaml} files, with the relations Backstage would derive from them:
 * {@code memberOf} from a User's {@code spec.memberOf} and a Group's {@code spec.members}, a group's parents from
 * its {@code spec.parent} and the {@code spec.children} of other groups, owners from {@code spec.owner}. Refs are
 * completed as Backstage completes them (kind from the field, namespace from the entity that wrote it). A ref to
 * an entity that does not exist still counts, as Backstage keeps such relations too. Immutable.
 */
final class CatalogEntities {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogEntities.class);
    private static final Set<String> API_VERSIONS = Set.of("backstage.io/v1alpha1", "backstage.io/v1beta1");

    private final Map<String, String> emails = new LinkedHashMap<>();            // user ref -> e-mail
    private final Map<String, List<String>> byEmail = new LinkedHashMap<>();     // lower-case e-mail -> user refs
    private final Map<String, Set<String>> memberOf = new LinkedHashMap<>();     // user ref -> group refs
    private final Map<String, Set<String>> parents = new LinkedHashMap<>();      // group ref -> group refs
    private final List<JsonNode> routed = new ArrayList<>();

    /** @param entities valid entities (see {@link #check}), in file order; a ref seen twice keeps its first */
    CatalogEntities(List<JsonNode> entities) {
        Map<String, JsonNode> byRef = new LinkedHashMap<>();
        for (JsonNode entity : entities) {
            String ref = refOf(entity).toString();
            if (byRef.putIfAbsent(ref, entity) != null) {
                LOG.warn("catalog: {} is defined more than once; the first definition is used", ref);
            }
        }
        byRef.values().forEach(this::users);
        byRef.values().forEach(this::groups);
        byRef.values().stream().filter(CatalogEntities::isRouted).forEach(routed::add);
    }

    /** @throws IllegalArgumentException naming what Backstage would refuse in this entity */
    static void check(JsonNode entity) {
        if (!entity.isObject()) {
            throw new IllegalArgumentException("an entity must be a mapping");
        }
        String apiVersion = entity.path("apiVersion").asText("");
        if (!API_VERSIONS.contains(apiVersion)) {
            throw new IllegalArgumentException("apiVersion must be backstage.io/v1alpha1, not '" + apiVersion + "'");
        }
        EntityRef ref = refOf(entity);
        JsonNode spec = entity.path("spec");
        switch (ref.kind()) {
            case "user" -> {
                refs(spec.path("memberOf"), "group", ref.namespace(), r -> { });
                JsonNode email = spec.path("profile").path("email");
                if (!email.isMissingNode() && !email.isTextual()) {
                    throw new IllegalArgumentException(ref + ": spec.profile.email must be text");
                }
            }
            case "group" -> {
                refs(spec.path("parent"), "group", ref.namespace(), r -> { });
                refs(spec.path("children"), "group", ref.namespace(), r -> { });
                refs(spec.path("members"), "user", ref.namespace(), r -> { });
            }
            case "component", "resource" -> {
                refs(spec.path("owner"), "group", ref.namespace(), r -> { });
                if (!entity.path("metadata").path("annotations").isMissingNode()
                        && !entity.path("metadata").path("annotations").isObject()) {
                    throw new IllegalArgumentException(ref + ": metadata.annotations must be a mapping");
                }
            }
            default -> { } // other kinds (System, API, Location, ...) are allowed and not read
        }
    }

    static EntityRef refOf(JsonNode entity) {
        String kind = entity.path("kind").asText("");
        JsonNode metadata = entity.path("metadata");
        String name = metadata.path("name").asText("");
        String namespace = metadata.path("namespace").asText(EntityRef.DEFAULT_NAMESPACE);
        if (!kind.matches("[A-Za-z][A-Za-z0-9]*")) {
            throw new IllegalArgumentException("kind must be a word such as User or Group, not '" + kind + "'");
        }
        if (!EntityRef.isValidName(name)) {
            throw new IllegalArgumentException(kind + " '" + name + "': metadata.name must be 1-63 letters, digits,"
                    + " '-', '_' or '.', starting and ending with a letter or digit");
        }
        if (!EntityRef.isValidNamespace(namespace)) {
            throw new IllegalArgumentException(kind + " '" + name + "': metadata.namespace '" + namespace
                    + "' must be lower-case letters, digits and '-'");
        }
        return new EntityRef(kind, namespace, name);
    }

    Optional<CatalogUser> userByEmail(String email) {
        List<String> found = byEmail.getOrDefault(email.toLowerCase(Locale.ROOT), List.of());
        if (found.size() > 1) {
            LOG.warn("catalog: {} users have the e-mail address of a caller; none is used", found.size());
            return Optional.empty();
        }
        return found.stream().findFirst().map(this::user);
    }

    Optional<CatalogUser> userByName(String name) {
        if (!EntityRef.isValidName(name)) {
            return Optional.empty();
        }
        String ref = new EntityRef("user", EntityRef.DEFAULT_NAMESPACE, name).toString();
        return memberOf.containsKey(ref) ? Optional.of(user(ref)) : Optional.empty();
    }

    Set<String> parentsOf(String groupRef) {
        return parents.getOrDefault(groupRef.toLowerCase(Locale.ROOT), Set.of());
    }

    List<RoutedEntity> routedEntities() {
        List<RoutedEntity> result = new ArrayList<>();
        for (JsonNode entity : routed) {
            EntityRef ref = refOf(entity);
            Map<String, String> annotations = new TreeMap<>();
            entity.path("metadata").path("annotations").properties().forEach(a -> {
                if (a.getKey().startsWith(RoutedEntity.PREFIX)) {
                    annotations.put(a.getKey(), a.getValue().asText());
                }
            });
            Set<String> owners = new LinkedHashSet<>();
            refs(entity.path("spec").path("owner"), "group", ref.namespace(), r -> owners.add(r.toString()));
            String owner = owners.stream().findFirst().orElse(null);
            result.add(new RoutedEntity(ref.toString(), annotations, owner, owner == null ? Set.of() : members(owner),
                    entity.path("spec").path("type").asText(null)));
        }
        return result;
    }

    private Set<String> members(String owner) {
        if (owner.startsWith("user:")) {
            return Set.of(owner);
        }
        Set<String> members = new LinkedHashSet<>();
        memberOf.forEach((user, groups) -> {
            if (groups.contains(owner)) {
                members.add(user);
            }
        });
        return members;
    }

    private CatalogUser user(String ref) {
        EntityRef parsed = EntityRef.parse(ref, "user", EntityRef.DEFAULT_NAMESPACE);
        return new CatalogUser(parsed, emails.get(ref), memberOf.get(ref));
    }

    private void users(JsonNode entity) {
        EntityRef ref = refOf(entity);
        if (ref.isKind("user")) {
            JsonNode spec = entity.path("spec");
            String email = spec.path("profile").path("email").asText(null);
            if (email != null) {
                emails.put(ref.toString(), email);
                byEmail.computeIfAbsent(email.toLowerCase(Locale.ROOT), e -> new ArrayList<>()).add(ref.toString());
            }
            Set<String> groups = memberOf.computeIfAbsent(ref.toString(), r -> new LinkedHashSet<>());
            refs(spec.path("memberOf"), "group", ref.namespace(), r -> {
                if (r.isKind("group")) {
                    groups.add(r.toString());
                }
            });
        }
    }

    private void groups(JsonNode entity) {
        EntityRef ref = refOf(entity);
        if (ref.isKind("group")) {
            JsonNode spec = entity.path("spec");
            String group = ref.toString();
            Set<String> own = parents.computeIfAbsent(group, g -> new LinkedHashSet<>());
            refs(spec.path("parent"), "group", ref.namespace(), r -> own.add(r.toString()));
            refs(spec.path("children"), "group", ref.namespace(),
                    r -> parents.computeIfAbsent(r.toString(), g -> new LinkedHashSet<>()).add(group));
            refs(spec.path("members"), "user", ref.namespace(), r -> {
                Set<String> groups = memberOf.get(r.toString()); // a member that is no User has no memberOf
                if (groups != null) {
                    groups.add(group);
                }
            });
        }
    }

    private static boolean isRouted(JsonNode entity) {
        EntityRef ref = refOf(entity);
        JsonNode annotations = entity.path("metadata").path("annotations");
        return (ref.isKind("component") || ref.isKind("resource"))
                && RoutedEntity.SELECTED.stream().anyMatch(annotations::has);
    }

    /** Each ref of a field written as one ref or a list of them; absent or null fields have none. */
    private static void refs(JsonNode field, String defaultKind, String namespace, Consumer<EntityRef> each) {
        if (field.isMissingNode() || field.isNull()) {
            return;
        }
        List<JsonNode> values = new ArrayList<>();
        if (field.isArray()) {
            field.forEach(values::add);
        } else {
            values.add(field);
        }
        for (JsonNode value : values) {
            if (!value.isTextual()) {
                throw new IllegalArgumentException("an entity ref must be text, found " + value.getNodeType());
            }
            each.accept(EntityRef.parse(value.textValue(), defaultKind, namespace));
        }
    }
}
