package io.drawbridge.proxy;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The directives of a response's {@code Cache-Control} headers (RFC 9111 section 5.2), parsed strictly: a
 * directive given twice, a {@code max-age} that is not a number, or a value that is not a token or quoted string
 * makes the whole header {@link #malformed()}, and a malformed header is never trusted to make a response
 * cacheable (section 4.2.1: such a response is treated as stale).
 */
record CacheControl(Map<String, String> directives, boolean malformed) {

    static final CacheControl NONE = new CacheControl(Map.of(), false);
    private static final CacheControl MALFORMED = new CacheControl(Map.of(), true);

    /** Parses every {@code Cache-Control} value of a message, as one list. */
    static CacheControl parse(List<String> values) {
        if (values.isEmpty()) {
            return NONE;
        }
        Map<String, String> directives = new HashMap<>();
        for (String value : values) {
            if (!parseInto(value, directives)) {
                return MALFORMED;
            }
        }
        return new CacheControl(Map.copyOf(directives), false);
    }

    private static boolean parseInto(String value, Map<String, String> into) {
        int i = 0;
        int n = value.length();
        while (i < n) {
            i = skipSpace(value, i);
            if (i < n && value.charAt(i) == ',') {
                i++; // empty list elements are allowed
                continue;
            }
            int start = i;
            while (i < n && isTokenChar(value.charAt(i))) {
                i++;
            }
            if (i == start) {
                return i >= n;
            }
            String name = value.substring(start, i).toLowerCase(Locale.ROOT);
            String argument = "";
            i = skipSpace(value, i);
            if (i < n && value.charAt(i) == '=') {
                i = skipSpace(value, i + 1);
                if (i < n && value.charAt(i) == '"') {
                    var quoted = new StringBuilder();
                    i++;
                    while (i < n && value.charAt(i) != '"') {
                        if (value.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        quoted.append(value.charAt(i++));
                    }
                    if (i >= n) {
                        return false; // unterminated quoted string
                    }
                    i++;
                    argument = quoted.toString();
                } else {
                    int from = i;
                    while (i < n && isTokenChar(value.charAt(i))) {
                        i++;
                    }
                    if (i == from) {
                        return false;
                    }
                    argument = value.substring(from, i);
                }
            }
            if (into.putIfAbsent(name, argument) != null) {
                return false; // a directive given twice: which one counts is anyone's guess
            }
            i = skipSpace(value, i);
            if (i < n && value.charAt(i) != ',') {
                return false;
            }
        }
        return true;
    }

    boolean has(String directive) {
        return directives.containsKey(directive);
    }

    /**
     * The delta-seconds of a directive such as {@code max-age}: {@code -1} when absent, {@code -2} when present but
     * not a non-negative integer (which makes the response not cacheable). Very large values are capped.
     */
    long seconds(String directive) {
        String value = directives.get(directive);
        if (value == null) {
            return -1;
        }
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -2;
        }
        return value.length() > 9 ? Integer.MAX_VALUE : Long.parseLong(value); // section 1.2.2: cap at 2^31
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isTokenChar(char c) {
        return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
}
