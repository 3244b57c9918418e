package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.config.Problems;
import io.drawbridge.identity.Identity;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The caller is in one of the rule's groups. A group is either a plain name from a token claim ({@code sre}),
 * compared exactly, or a Backstage entity ref from the catalog ({@code group:default/sre}), compared
 * case-insensitively, where {@code group:sre} means {@code group:default/sre}. The two never match each other:
 * a token claim {@code sre} is not the catalog group, whatever its name. Any value starting with {@code group:}
 * is taken as an entity ref, on the caller's side too.
 */
final class GroupCriterion implements Criterion {

    private static final String KIND = "group:";
    private static final String DEFAULT_NAMESPACE = "default";

    private final String[] names;      // plain names, exact
    private final String[] refs;       // entity refs, in full and lower case: "group:default/sre"
    private final String[] namespaces; // per ref: "default"
    private final String[] refNames;   // per ref: "sre"
    private final String requirement;
    private final String words;

    private GroupCriterion(List<String> names, List<String> refs, List<String> shown) {
        this.words = "members of " + Criterion.either(shown);
        this.names = names.toArray(String[]::new);
        this.refs = refs.toArray(String[]::new);
        this.namespaces = refs.stream().map(r -> r.substring(KIND.length(), r.indexOf('/'))).toArray(String[]::new);
        this.refNames = refs.stream().map(r -> r.substring(r.indexOf('/') + 1)).toArray(String[]::new);
        this.requirement = "group in " + Criterion.listed(shown);
    }

    /** Reports malformed entity refs under {@code field}; returns {@code null} when there was one. */
    static GroupCriterion compile(List<String> values, String field, Problems problems) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> refs = new LinkedHashSet<>();
        boolean valid = true;
        for (String value : values) {
            if (!isRef(value)) {
                names.add(value);
                continue;
            }
            String ref = value.substring(KIND.length()).toLowerCase(Locale.ROOT);
            String[] parts = ref.split("/", -1);
            if (parts.length > 2 || parts[0].isEmpty() || parts[parts.length - 1].isEmpty()) {
                problems.add(field, "'" + value + "' is not a group entity ref; write group:name or"
                        + " group:namespace/name");
                valid = false;
                continue;
            }
            refs.add(KIND + (parts.length == 1 ? DEFAULT_NAMESPACE + "/" + ref : ref));
        }
        if (!valid) {
            return null;
        }
        List<String> shown = new ArrayList<>(names);
        shown.addAll(refs);
        return new GroupCriterion(List.copyOf(names), List.copyOf(refs), shown);
    }

    @Override
    public boolean test(RequestFacts request, Identity identity) {
        Set<String> groups = identity.groups();
        for (String name : names) {
            if (groups.contains(name)) {
                return true;
            }
        }
        if (refs.length == 0) {
            return false;
        }
        for (String ref : refs) {
            if (groups.contains(ref)) { // the catalog's refs are usually in full and lower case already
                return true;
            }
        }
        for (String group : groups) {
            if (isRef(group)) {
                for (int i = 0; i < refs.length; i++) {
                    if (sameRef(group, namespaces[i], refNames[i])) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean isRef(String group) {
        return group.regionMatches(true, 0, KIND, 0, KIND.length());
    }

    /** Whether {@code group:[namespace/]name} in any case is the ref {@code namespace}/{@code name}. */
    private static boolean sameRef(String group, String namespace, String name) {
        int start = KIND.length();
        int slash = group.indexOf('/', start);
        if (slash < 0) {
            return namespace.equals(DEFAULT_NAMESPACE) && regionIs(group, start, group.length(), name);
        }
        return regionIs(group, start, slash, namespace) && regionIs(group, slash + 1, group.length(), name);
    }

    private static boolean regionIs(String s, int from, int to, String expected) {
        return to - from == expected.length() && s.regionMatches(true, from, expected, 0, expected.length());
    }

    @Override
    public Reason failure() {
        return Reason.GROUP_MISSING;
    }

    @Override
    public String requirement() {
        return requirement;
    }

    @Override
    public String words() {
        return words;
    }

    @Override
    public String have(RequestFacts request, Identity identity) {
        return identity.groups().isEmpty() ? "you are in no group"
                : "you are in " + String.join(", ", identity.groups().stream().limit(20).toList())
                + (identity.groups().size() > 20 ? " (and " + (identity.groups().size() - 20) + " more)" : "");
    }
}
