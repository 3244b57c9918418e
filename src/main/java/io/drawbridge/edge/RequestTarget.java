package io.drawbridge.edge;

import io.drawbridge.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The request target, parsed and normalized once at the edge. The gateway routes, decides and forwards on this
 * one normalized path, so no component downstream can read the path differently from the policy that judged it.
 * Whatever cannot be normalized unambiguously is rejected rather than guessed at: encoded slashes and
 * backslashes, encoded NUL and controls, double encoding, invalid or overlong UTF-8, {@code ..} above the root,
 * fragments, path parameters ({@code ;}), segments ending in a dot or a space, characters outside RFC 3986, and
 * encoded characters that Unicode compatibility normalization (NFKC) turns into {@code .} or {@code /}.
 *
 * @param path      normalized: dot segments resolved, repeated slashes merged, unreserved characters decoded,
 *                  other percent-escapes kept with upper-case hex
 * @param query     the raw query without {@code ?}, or {@code null}
 * @param authority the host[:port] of an absolute-form target, or {@code null}
 */
public record RequestTarget(String path, String query, String authority) {

    public static RequestTarget parse(String uri) {
        if (uri == null || uri.isEmpty()) {
            throw reject("empty request target");
        }
        if (uri.indexOf('#') >= 0) {
            throw reject("fragment in request target");
        }
        String authority = null;
        String rest = uri;
        if (uri.charAt(0) != '/') {
            int schemeEnd = schemeEnd(uri);
            if (schemeEnd < 0) {
                throw reject("request target must be a path or an absolute http(s) URL");
            }
            int authorityStart = schemeEnd + 3;
            int authorityEnd = authorityStart;
            while (authorityEnd < uri.length() && uri.charAt(authorityEnd) != '/' && uri.charAt(authorityEnd) != '?') {
                authorityEnd++;
            }
            authority = uri.substring(authorityStart, authorityEnd);
            if (!isHostAndPort(authority)) {
                throw reject("bad authority in absolute-form target");
            }
            rest = authorityEnd < uri.length() ? uri.substring(authorityEnd) : "/";
            if (rest.charAt(0) == '?') {
                rest = "/" + rest;
            }
        }
        if (rest.indexOf('#') >= 0) {
            throw reject("fragment in request target");
        }
        int q = rest.indexOf('?');
        String rawPath = q >= 0 ? rest.substring(0, q) : rest;
        String query = q >= 0 ? rest.substring(q + 1) : null;
        if (query != null) {
            checkQuery(query);
        }
        return new RequestTarget(normalizePath(rawPath), query, authority);
    }

    /** The path and query as they go upstream. */
    public String pathAndQuery() {
        return query == null ? path : path + "?" + query;
    }

    /** {@code host[:port]} with a DNS name, an IPv4 address or a bracketed IPv6 address; nothing else. */
    static boolean isHostAndPort(String authority) {
        String host = authority;
        String port = null;
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            if (end < 0) {
                return false;
            }
            host = authority.substring(1, end);
            if (!host.chars().allMatch(c -> c == ':' || c == '.' || hex((char) c) >= 0) || host.indexOf(':') < 0) {
                return false;
            }
            String after = authority.substring(end + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    return false;
                }
                port = after.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            if (colon >= 0) {
                port = authority.substring(colon + 1);
                host = authority.substring(0, colon);
            }
            if (host.isEmpty() || !host.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) {
                return false;
            }
        }
        // a port is 1 to 65535 written without leading zeros: port 0 and 0080 are read differently by different
        // servers (any port, an error, 80 or octal)
        return port == null || (!port.isEmpty() && port.length() <= 5 && port.charAt(0) != '0'
                && port.chars().allMatch(c -> c >= '0' && c <= '9') && Integer.parseInt(port) <= 65535);
    }

    private static int schemeEnd(String uri) {
        if (uri.regionMatches(true, 0, "http://", 0, 7)) {
            return 4;
        }
        if (uri.regionMatches(true, 0, "https://", 0, 8)) {
            return 5;
        }
        return -1;
    }

    static String normalizePath(String raw) {
        if (raw.isEmpty() || raw.charAt(0) != '/') {
            throw reject("path must start with /");
        }
        List<String> out = new ArrayList<>();
        int i = 1;
        int n = raw.length();
        boolean trailingSlash = false;
        while (i <= n) {
            int end = raw.indexOf('/', i);
            if (end < 0) {
                end = n;
            }
            String segment = normalizeSegment(raw, i, end);
            boolean last = end >= n;
            if (segment.isEmpty()) {
                trailingSlash = last; // empty segment: merged "//", or a trailing slash
            } else if (segment.equals(".")) {
                trailingSlash = last;
            } else if (segment.equals("..")) {
                if (out.isEmpty()) {
                    throw reject("path climbs above the root");
                }
                out.remove(out.size() - 1);
                trailingSlash = last;
            } else {
                out.add(segment);
                trailingSlash = false;
            }
            i = end + 1;
        }
        var sb = new StringBuilder(raw.length());
        for (String s : out) {
            sb.append('/').append(s);
        }
        if (sb.length() == 0 || trailingSlash) {
            sb.append('/');
        }
        return sb.toString();
    }

    private static String normalizeSegment(String raw, int from, int to) {
        StringBuilder sb = null;
        ByteBuffer bytes = null; // decoded bytes of the segment, to validate UTF-8
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= to) {
                    throw reject("truncated percent-escape");
                }
                int hi = hex(raw.charAt(i + 1));
                int lo = hex(raw.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    throw reject("invalid percent-escape");
                }
                int b = (hi << 4) | lo;
                if (b == '/' || b == '\\' || b < 0x20 || b == 0x7f || b == ';' || b == '#' || b == '?') {
                    throw reject("encoded delimiter or control character in path");
                }
                if (sb == null) {
                    sb = new StringBuilder(to - from).append(raw, from, i);
                }
                if (bytes == null) {
                    bytes = ByteBuffer.allocate(to - from);
                }
                bytes.put((byte) b);
                if (isUnreserved(b)) {
                    sb.append((char) b);
                } else {
                    sb.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
                }
                i += 2;
                continue;
            }
            if (!isPathChar(c)) {
                throw reject("character not allowed in path");
            }
            if (bytes != null) {
                bytes.put((byte) c);
            }
            if (sb != null) {
                sb.append(c);
            }
        }
        if (bytes != null) {
            requireNoCompatibilityDelimiters(checkUtf8(bytes.flip()));
        }
        String segment = sb != null ? sb.toString() : raw.substring(from, to);
        // Windows file systems and the servers on them drop trailing dots and spaces ("admin." is "admin"), so
        // such a segment names two resources depending on who reads it.
        if (!segment.equals(".") && !segment.equals("..") && (segment.endsWith(".") || segment.endsWith("%20"))) {
            throw reject("path segment ending in a dot or a space");
        }
        // Checked on the normalized form, so "%25%32%66" (which normalizes to "%252F") is caught like "%252f".
        for (int p = segment.indexOf("%25"); p >= 0; p = segment.indexOf("%25", p + 1)) {
            if (p + 4 < segment.length() && hex(segment.charAt(p + 3)) >= 0 && hex(segment.charAt(p + 4)) >= 0) {
                throw reject("double percent-encoding in path");
            }
        }
        return segment;
    }

    private static void checkQuery(String query) {
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '%') {
                if (i + 2 >= query.length() || hex(query.charAt(i + 1)) < 0 || hex(query.charAt(i + 2)) < 0) {
                    throw reject("invalid percent-escape in query");
                }
            } else if (!(isPathChar(c) || c == ';' || c == '/' || c == '?')) {
                throw reject("character not allowed in query");
            }
        }
    }

    private static String checkUtf8(ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw reject("invalid UTF-8 in path");
        }
    }

    /**
     * Upstreams that apply Unicode compatibility normalization (NFKC: Java's, Python's and .NET's file and
     * routing layers, identity providers) read {@code %E2%80%A5} (U+2025) as {@code ..} and {@code %EF%BC%8F}
     * (U+FF0F) as {@code /}: a path the policy judged as one segment would be another path there. Such
     * characters are refused like the delimiters they become.
     */
    private static void requireNoCompatibilityDelimiters(String decoded) {
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c < 0x80) {
                continue;
            }
            int end = Character.isHighSurrogate(c) && i + 1 < decoded.length() ? i + 2 : i + 1;
            String normalized = Normalizer.normalize(decoded.substring(i, end),
                    Normalizer.Form.NFKC);
            for (int j = 0; j < normalized.length(); j++) {
                char n = normalized.charAt(j);
                if (n == '.' || n == '/' || n == '\\' || n == ';' || n == '?' || n == '#' || n == '%' || n < 0x20
                        || n == 0x7f) {
                    throw reject("percent-encoded character that Unicode normalization (NFKC) turns into a delimiter");
                }
            }
            i = end - 1;
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** RFC 3986 pchar without '%' (handled apart) and without ';' (path parameters are refused). */
    private static boolean isPathChar(char c) {
        return isUnreserved(c) || c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')'
                || c == '*' || c == '+' || c == ',' || c == '=' || c == ':' || c == '@';
    }

    private static BadRequest reject(String detail) {
        return new BadRequest(Reason.PATH_REJECTED, detail);
    }
}
