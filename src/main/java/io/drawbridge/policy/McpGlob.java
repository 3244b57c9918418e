package io.drawbridge.policy;

import java.util.regex.Pattern;

/**
 * A tool or method name pattern: exact, or with {@code *} (any run of characters, also none) and {@code ?} (one
 * character). Case-sensitive, as MCP names are.
 */
final class McpGlob {

    private final String text;
    private final Pattern pattern; // null for an exact name

    private McpGlob(String text) {
        this.text = text;
        if (text.indexOf('*') < 0 && text.indexOf('?') < 0) {
            this.pattern = null;
            return;
        }
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        this.pattern = Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    static McpGlob of(String text) {
        return new McpGlob(text);
    }

    boolean matches(String name) {
        if (name == null) {
            return false;
        }
        return pattern == null ? text.equals(name) : pattern.matcher(name).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
