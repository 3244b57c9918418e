package io.drawbridge.authn.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's cookies on the wire: reading them from {@code Cookie} headers, writing {@code Set-Cookie} values
 * (always {@code HttpOnly} and {@code SameSite=Lax}; {@code Secure} and {@code Domain} as configured), splitting a
 * large session into {@code name_0}, {@code name_1}... so no cookie exceeds what browsers keep, and removing them
 * all from what the upstream receives.
 */
public final class SessionCookies {

    /** Browsers keep at least 4096 bytes per cookie, name and attributes included. */
    static final int CHUNK = 3800;
    static final int MAX_CHUNKS = 8;

    private final String name;
    private final String domain;
    private final boolean secure;

    public SessionCookies(String name, String domain, boolean secure) {
        this.name = name;
        this.domain = domain;
        this.secure = secure;
    }

    public String name() {
        return name;
    }

    /** The login cookie's name for a login attempt: one per attempt, so two tabs can sign in at once. */
    String loginName(String state) {
        return name + "_login_" + state.substring(0, Math.min(16, state.length()));
    }

    /** Every cookie of a {@code Cookie} header value or list of values; the first of a repeated name wins. */
    static Map<String, String> parse(Object header) {
        Map<String, String> cookies = new LinkedHashMap<>();
        Collection<?> values = header instanceof Collection<?> c ? c : header == null ? List.of() : List.of(header);
        for (Object value : values) {
            for (String pair : String.valueOf(value).split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    cookies.putIfAbsent(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
                }
            }
        }
        return cookies;
    }

    /** The session cookie's value, joined from its chunks when it was split; null when there is none. */
    String sessionValue(Map<String, String> cookies) {
        String whole = cookies.get(name);
        if (whole != null) {
            return whole;
        }
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < MAX_CHUNKS; i++) {
            String chunk = cookies.get(name + "_" + i);
            if (chunk == null) {
                break;
            }
            joined.append(chunk);
        }
        return joined.length() == 0 ? null : joined.toString();
    }

    /**
     * {@code Set-Cookie} values that store a sealed session and remove whatever other session cookies the browser
     * sent (a chunked session that now fits in one, or the other way round).
     */
    List<String> setSession(String sealed, Duration maxAge, Map<String, String> sent) {
        List<String> headers = new ArrayList<>();
        List<String> written = new ArrayList<>();
        if (sealed.length() <= CHUNK) {
            headers.add(cookie(name, sealed, "/", maxAge));
            written.add(name);
        } else {
            int count = (sealed.length() + CHUNK - 1) / CHUNK;
            if (count > MAX_CHUNKS) {
                throw new IllegalStateException("the session is too large for " + MAX_CHUNKS + " cookies");
            }
            for (int i = 0; i < count; i++) {
                String chunkName = name + "_" + i;
                headers.add(cookie(chunkName, sealed.substring(i * CHUNK, Math.min(sealed.length(), (i + 1) * CHUNK)),
                        "/", maxAge));
                written.add(chunkName);
            }
        }
        for (String stale : sessionNames(sent)) {
            if (!written.contains(stale)) {
                headers.add(cookie(stale, "", "/", Duration.ZERO));
            }
        }
        return headers;
    }

    /** {@code Set-Cookie} values that remove every session cookie the browser sent. */
    List<String> clearSession(Map<String, String> sent) {
        List<String> headers = new ArrayList<>();
        for (String stale : sessionNames(sent)) {
            headers.add(cookie(stale, "", "/", Duration.ZERO));
        }
        return headers;
    }

    private List<String> sessionNames(Map<String, String> sent) {
        return sent.keySet().stream().filter(n -> n.equals(name) || isChunk(n)).toList();
    }

    private boolean isChunk(String cookieName) {
        return cookieName.length() > name.length() + 1 && cookieName.startsWith(name + "_")
                && cookieName.substring(name.length() + 1).chars().allMatch(Character::isDigit);
    }

    /** A cookie value of ours, HttpOnly and SameSite=Lax (sent on top-level navigations, as from the IdP). */
    String cookie(String cookieName, String value, String path, Duration maxAge) {
        StringBuilder sb = new StringBuilder(cookieName).append('=').append(value)
                .append("; Path=").append(path)
                .append("; Max-Age=").append(Math.max(0, maxAge.toSeconds()));
        if (domain != null) {
            sb.append("; Domain=").append(domain);
        }
        sb.append("; HttpOnly; SameSite=Lax");
        if (secure) {
            sb.append("; Secure");
        }
        return sb.toString();
    }

    /**
     * The {@code Cookie} header without any of the gateway's cookies, or null when none is left: an upstream that
     * saw a session cookie could replay it.
     */
    public Object withoutOurs(Object header) {
        if (header == null) {
            return null;
        }
        Collection<?> values = header instanceof Collection<?> c ? c : List.of(header);
        List<String> kept = new ArrayList<>();
        for (Object value : values) {
            for (String pair : String.valueOf(value).split(";")) {
                int eq = pair.indexOf('=');
                String cookieName = (eq < 0 ? pair : pair.substring(0, eq)).strip();
                if (!cookieName.isEmpty() && !cookieName.equals(name) && !cookieName.startsWith(name + "_")) {
                    kept.add(pair.strip());
                }
            }
        }
        return kept.isEmpty() ? null : String.join("; ", kept);
    }
}
