package io.drawbridge.authn.session;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
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

    /**
     * A path, or an absolute http(s) URL on a host within {@code domain} (the session cookie's domain: the hosts
     * that share the sign-in), rebuilt from its parts; empty for anything else. Without a domain, paths only.
     */
    public static Optional<String> check(String candidate, String domain) {
        if (candidate == null || candidate.startsWith("/") || domain == null) {
            return check(candidate);
        }
        try {
            URI uri = new URI(candidate);
            String host = uri.getHost();
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || host == null
                    || uri.getRawUserInfo() != null || uri.getRawFragment() != null || uri.getPort() > 65535
                    || !within(host, domain)) {
                return Optional.empty();
            }
            String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            return check(path).map(p -> uri.getScheme() + "://" + host.toLowerCase(Locale.ROOT)
                    + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + p);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** Whether a host is the domain or one of its sub-domains (never a look-alike such as evilexample.com). */
    static boolean within(String host, String domain) {
        String h = host.toLowerCase(Locale.ROOT);
        String d = domain.toLowerCase(Locale.ROOT);
        d = d.startsWith(".") ? d.substring(1) : d;
        return h.matches("[a-z0-9.-]+") && (h.equals(d) || h.endsWith("." + d));
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
