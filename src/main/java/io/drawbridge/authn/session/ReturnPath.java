package io.drawbridge.authn.session;

import java.util.Optional;

/**
 * Where a browser may be sent after signing in: only a path on the host it is already on. Anything a browser
 * could read as another origin is refused, whatever the encoding: {@code //host}, {@code /\host}, backslashes,
 * control characters (CR/LF among them), schemes, and the same after percent-decoding, once or several times.
 */
public final class ReturnPath {

    static final int MAX_LENGTH = 2048;

    private ReturnPath() {
    }

    /** The path itself when it is safe to redirect to; empty otherwise (the caller then uses {@code /}). */
    public static Optional<String> check(String candidate) {
        if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String text = candidate;
        for (int round = 0; round < 4; round++) {
            if (!safe(text, round == 0)) {
                return Optional.empty();
            }
            String decoded = percentDecoded(text);
            if (decoded == null) {
                return Optional.empty();
            }
            if (decoded.equals(text)) {
                return Optional.of(candidate);
            }
            text = decoded;
        }
        return Optional.empty(); // still changing after four decodings: nobody needs that
    }

    /** The raw path must be visible ASCII (it goes into a header); decoded forms may hold spaces and non-ASCII. */
    private static boolean safe(String text, boolean raw) {
        if (text.length() < 1 || text.charAt(0) != '/') {
            return false;
        }
        if (text.length() > 1 && (text.charAt(1) == '/' || text.charAt(1) == '\\')) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || (raw && (c == ' ' || c > 0x7e))) {
                return false;
            }
        }
        return true;
    }

    /** Percent-decoding byte by byte into Latin-1 characters: enough to see what a browser would see. */
    private static String percentDecoded(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= text.length()) {
                return null;
            }
            int hi = Character.digit(text.charAt(i + 1), 16);
            int lo = Character.digit(text.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out.append((char) (hi * 16 + lo));
            i += 2;
        }
        return out.toString();
    }
}
