package io.drawbridge.identity;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A catalog entity reference, {@code kind:namespace/name}, in the lower case the Backstage catalog writes its
 * relations in ({@code group:default/sre}). Short forms are completed the way Backstage completes them: the kind
 * from the field ({@code spec.memberOf} means groups), the namespace from the entity that wrote it.
 *
 * @param kind      lower case, e.g. {@code group}
 * @param namespace lower case, e.g. {@code default}
 * @param name      lower case
 */
public record EntityRef(String kind, String namespace, String name) {

    public static final String DEFAULT_NAMESPACE = "default";
    /** Backstage's rule for {@code metadata.name}: 1-63 of {@code [A-Za-z0-9-_.]}, letters or digits at the ends. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?");
    /** Backstage's rule for {@code metadata.namespace}: a DNS label. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]+(-+[a-z0-9]+)*");

    public EntityRef {
        kind = kind.toLowerCase(Locale.ROOT);
        namespace = namespace.toLowerCase(Locale.ROOT);
        name = name.toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code [kind:][namespace/]name}.
     *
     * @param defaultKind      the kind when the text names none
     * @param defaultNamespace the namespace when the text names none: the namespace of the entity that wrote it
     * @throws IllegalArgumentException when a part is empty or holds white space
     */
    public static EntityRef parse(String text, String defaultKind, String defaultNamespace) {
        String rest = text.strip();
        String kind = defaultKind;
        int colon = rest.indexOf(':');
        int slash = rest.indexOf('/');
        if (colon >= 0 && (slash < 0 || colon < slash)) {
            kind = rest.substring(0, colon);
            rest = rest.substring(colon + 1);
            slash = rest.indexOf('/');
        }
        String namespace = slash < 0 ? defaultNamespace : rest.substring(0, slash);
        String name = slash < 0 ? rest : rest.substring(slash + 1);
        for (String part : new String[] {kind, namespace, name}) {
            if (part == null || part.isEmpty() || part.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
                throw new IllegalArgumentException("'" + text + "' is not an entity ref ([kind:][namespace/]name)");
            }
        }
        return new EntityRef(kind, namespace, name);
    }

    /** Whether Backstage would accept this as an entity's {@code metadata.name}. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Whether Backstage would accept this as an entity's {@code metadata.namespace}. */
    public static boolean isValidNamespace(String namespace) {
        return namespace != null && namespace.length() <= 63 && NAMESPACE.matcher(namespace).matches();
    }

    public boolean isKind(String other) {
        return kind.equals(other);
    }

    @Override
    public String toString() {
        return kind + ":" + namespace + "/" + name;
    }
}
