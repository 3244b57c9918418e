package io.drawbridge.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The problems of one file, each placed on the line of its field. Also remembers what the loader learnt on the way:
 * the line of every field, which fields could not be bound (so a check does not report their stand-in default),
 * and which values came from the environment (so no message ever shows them).
 */
final class LocatedProblems implements Problems {

    /** The field of a problem that belongs to the file as a whole: unreadable, not YAML, not a mapping. */
    static final String FILE = "(file)";

    private final String file;
    private final Map<String, Integer> lines = new HashMap<>();
    private final Set<String> unbound = new HashSet<>();
    private final Map<String, List<String>> fromEnvironment = new HashMap<>();
    // Longest first, so that of two quoted values the longer is masked whole.
    private final Set<String> resolvedValues =
            new TreeSet<>(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
    private final List<ConfigProblem> problems = new ArrayList<>();

    LocatedProblems(String file) {
        this.file = file;
    }

    @Override
    public void add(String field, String message) {
        at(lineOf(field), field, message);
    }

    void at(int line, String field, String message) {
        problems.add(new ConfigProblem(file, line, field, masked(message)));
    }

    /** The line of a field, else of its nearest parent that has one, else 0. */
    int lineOf(String field) {
        for (String f = field; f != null; f = parent(f)) {
            Integer line = lines.get(f);
            if (line != null) {
                return line;
            }
        }
        return 0;
    }

    void line(String field, int line) {
        lines.putIfAbsent(field, line);
    }

    Integer knownLine(String field) {
        return lines.get(field);
    }

    void unbound(String field) {
        unbound.add(field);
    }

    boolean isUnbound(String field) {
        return unbound.contains(field);
    }

    void resolved(String field, String variable, String value) {
        fromEnvironment.computeIfAbsent(field, f -> new ArrayList<>()).add(variable);
        if (!value.isEmpty()) {
            resolvedValues.add(value);
        }
    }

    /** The environment variables a field's value was made from; empty when it was written literally. */
    List<String> variablesOf(String field) {
        return fromEnvironment.getOrDefault(field, List.of());
    }

    /**
     * What checks report into: problems under a field that failed to bind are dropped (the check saw a stand-in
     * default, and the binding problem already says what is wrong), and a field set from the environment says so.
     */
    Problems forChecks() {
        return (field, message) -> {
            if (isUnderUnbound(field)) {
                return;
            }
            List<String> variables = variablesOf(field);
            add(field, variables.isEmpty() ? message
                    : message + " (value from " + String.join(", ", variables.stream().map(v -> "${" + v + "}").toList()) + ")");
        };
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** In the order of the file; problems tied to no line first. */
    List<ConfigProblem> sorted() {
        List<ConfigProblem> copy = new ArrayList<>(problems);
        copy.sort(Comparator.comparingInt(ConfigProblem::line));
        return copy;
    }

    InvalidConfiguration toException() {
        return new InvalidConfiguration(sorted());
    }

    static String parent(String field) {
        int cut = Math.max(field.lastIndexOf('.'), field.lastIndexOf('['));
        return cut <= 0 ? null : field.substring(0, cut);
    }

    static String child(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    static String element(String parent, int index) {
        return parent + "[" + index + "]";
    }

    private boolean isUnderUnbound(String field) {
        for (String f = field; f != null; f = parent(f)) {
            if (unbound.contains(f)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A check may quote a value it was handed; never let one that came from the environment through. Values are
     * masked where a message shows them, quoted whole ({@code 'value'} or {@code "value"}, as checks quote), and
     * nowhere else: masking the value's text wherever it occurs would garble the message's own words and, by the
     * holes it leaves, tell the reader what the secret is ({@code ***er keys} for a key "short"). Checks never
     * quote the values of secret fields at all ({@link SecretFields}).
     */
    private String masked(String message) {
        String result = message;
        for (String value : resolvedValues) {
            result = result.replace("'" + value + "'", "'***'").replace("\"" + value + "\"", "\"***\"");
        }
        return result;
    }
}
