package io.drawbridge.identity;

/**
 * Text the catalog wrote (entity names, refs, annotation values) made fit for a log line, an exception message or
 * an audit detail: control characters are escaped (CR becomes a backslash and {@code u000d}), so that a name
 * holding CR LF cannot forge log lines, and the text is cut to {@value #MAX} characters, so that a 100 KB name
 * cannot flood the log.
 */
public final class CatalogText {

    /** Characters kept at most. */
    public static final int MAX = 300;

    private CatalogText() {
    }

    public static String printable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX) + 24);
        int i = 0;
        for (; i < text.length() && out.length() < MAX; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (i < text.length()) {
            out.append("... (").append(text.length() - i).append(" more characters)");
        }
        return out.toString();
    }
}
