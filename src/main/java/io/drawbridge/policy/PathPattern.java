package io.drawbridge.policy;

import io.drawbridge.config.Problems;

import java.util.ArrayList;
import java.util.List;

/**
 * A path pattern, split into segments once so that matching walks the request path without regular expressions
 * or allocation. {@code /api/**} matches {@code /api}, {@code /api/} and anything below; {@code *} matches exactly
 * one non-empty segment and never crosses {@code /}; anything else is an exact path.
 */
final class PathPattern {

    private static final String STAR = "*";
    private static final String ANY_DEPTH = "/**";
    /** Never in a normalized path, or a sign of a pattern that relies on the upstream to decode it. */
    private static final List<String> FORBIDDEN = List.of("..", "//", "%", "\\", ";", "#", "?");

    private final String source;
    private final String exact;        // the path, when the pattern has no wildcard
    private final String prefix;       // "/api" for "/api/**" with no other wildcard
    private final String[] segments;   // otherwise: literal segments, or STAR
    private final boolean anyDepth;

    private PathPattern(String source, String exact, String prefix, String[] segments, boolean anyDepth) {
        this.source = source;
        this.exact = exact;
        this.prefix = prefix;
        this.segments = segments;
        this.anyDepth = anyDepth;
    }

    /** Reports every problem with {@code source} under {@code field}; returns {@code null} when there was one. */
    static PathPattern compile(String source, String field, Problems problems) {
        List<String> wrong = new ArrayList<>();
        if (!source.startsWith("/")) {
            wrong.add("must start with '/'");
        }
        List<String> found = FORBIDDEN.stream().filter(source::contains).map(s -> "'" + s + "'").toList();
        if (!found.isEmpty()) {
            wrong.add("must not contain " + String.join(", ", found));
        }
        boolean anyDepth = source.endsWith(ANY_DEPTH);
        String fixed = anyDepth ? source.substring(0, source.length() - ANY_DEPTH.length()) : source;
        if (fixed.contains("**")) {
            wrong.add("may use '**' only as its whole last segment, as in /api/**");
        }
        String[] segments = fixed.isEmpty() ? new String[0] : fixed.substring(1).split("/", -1);
        boolean star = false;
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].equals(STAR)) {
                segments[i] = STAR; // compared by identity when matching
                star = true;
            } else if (segments[i].contains(STAR) && !segments[i].contains("**")) {
                wrong.add("may use '*' only as a whole segment, as in /api/*/items");
            }
        }
        if (!wrong.isEmpty()) {
            wrong.forEach(message -> problems.add(field, "path '" + source + "' " + message));
            return null;
        }
        if (!anyDepth) {
            return star ? new PathPattern(source, null, null, segments, false) : new PathPattern(source, source, null, null, false);
        }
        return star ? new PathPattern(source, null, null, segments, true) : new PathPattern(source, null, fixed, null, true);
    }

    boolean matches(String path) {
        if (path == null) {
            return false;
        }
        if (exact != null) {
            return exact.equals(path);
        }
        if (prefix != null) {
            return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
        }
        int length = path.length();
        int at = 0; // always at the '/' that starts the next segment
        for (String segment : segments) {
            if (at >= length || path.charAt(at) != '/') {
                return false;
            }
            int end = path.indexOf('/', at + 1);
            end = end < 0 ? length : end;
            int size = end - at - 1;
            if (segment == STAR ? size == 0 : size != segment.length() || !path.regionMatches(at + 1, segment, 0, size)) {
                return false;
            }
            at = end;
        }
        return at == length || anyDepth && path.charAt(at) == '/';
    }

    @Override
    public String toString() {
        return source;
    }
}
