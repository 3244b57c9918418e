package io.drawbridge.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Replaces environment placeholders in the string scalars of a parsed tree: {@code ${NAME}} (the variable must be
 * set), {@code ${NAME:-default}} (the default when the variable is unset or empty), and {@code $${} for a literal
 * {@code ${}. It runs after parsing and only inside scalars, so a variable holding {@code "a: b\n- c"} is that
 * text, never YAML. Keys are never substituted. Resolved values go into no message: they can be secrets.
 */
final class EnvironmentPlaceholders {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Function<String, String> environment;
    private final LocatedProblems problems;

    EnvironmentPlaceholders(Function<String, String> environment, LocatedProblems problems) {
        this.environment = environment;
        this.problems = problems;
    }

    void resolve(ObjectNode root) {
        walk(root, "");
    }

    private void walk(JsonNode node, String path) {
        if (node instanceof ObjectNode mapping) {
            List<String> names = new ArrayList<>();
            mapping.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String field = LocatedProblems.child(path, name);
                mapping.set(name, resolved(mapping.get(name), field));
            }
        } else if (node instanceof ArrayNode sequence) {
            for (int i = 0; i < sequence.size(); i++) {
                sequence.set(i, resolved(sequence.get(i), LocatedProblems.element(path, i)));
            }
        }
    }

    private JsonNode resolved(JsonNode value, String field) {
        if (!value.isTextual()) {
            walk(value, field);
            return value;
        }
        if (!value.textValue().contains("${")) {
            return value;
        }
        String text = substitute(value.textValue(), field);
        if (text == null) {
            problems.unbound(field);
            return JsonNodeFactory.instance.nullNode();
        }
        return JsonNodeFactory.instance.textNode(text);
    }

    /** @return the text with every placeholder replaced, or {@code null} when one could not be (reported). */
    private String substitute(String text, String field) {
        StringBuilder out = new StringBuilder();
        boolean complete = true;
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    problems.add(field, "unclosed placeholder '${': write ${NAME}, or $${ for a literal ${");
                    return null;
                }
                String value = placeholder(text.substring(i + 2, end), field);
                complete &= value != null;
                out.append(value == null ? "" : value);
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return complete ? out.toString() : null;
    }

    private String placeholder(String body, String field) {
        int separator = body.indexOf(":-");
        String name = separator < 0 ? body : body.substring(0, separator);
        if (!NAME.matcher(name).matches()) {
            problems.add(field, "'${" + body + "}' is not a placeholder: write ${NAME} or ${NAME:-default}"
                    + " (letters, digits and _), or $${ for a literal ${");
            return null;
        }
        String value = environment.apply(name);
        if (separator >= 0 && (value == null || value.isEmpty())) {
            return body.substring(separator + 2);
        }
        if (value == null) {
            problems.add(field, "environment variable " + name + " is not set"
                    + " (write ${" + name + ":-default} to give a default)");
            return null;
        }
        problems.resolved(field, name, value);
        return value;
    }
}
