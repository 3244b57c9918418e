package io.drawbridge.proxy;

import io.drawbridge.config.IdentityHeadersConfig;
import io.drawbridge.identity.Identity;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Sets the identity headers an upstream may trust, because the gateway removed whatever the client sent under
 * those names. Values are the gateway's own: from the verified token and the role sources.
 */
public final class IdentityHeaders {

    private final IdentityHeadersConfig names;

    public IdentityHeaders(IdentityHeadersConfig names) {
        this.names = names;
    }

    public void apply(Identity identity, HttpHeaders headers) {
        headers.remove(names.user()).remove(names.email()).remove(names.groups()).remove(names.preferredUsername());
        if (identity == null) {
            return;
        }
        set(headers, names.user(), identity.user());
        set(headers, names.preferredUsername(), identity.user());
        set(headers, names.email(), identity.email());
        if (!identity.groups().isEmpty()) {
            set(headers, names.groups(), String.join(",", identity.groups()));
        }
    }

    private static void set(HttpHeaders headers, String name, String value) {
        String safe = headerSafe(value);
        if (safe != null && !safe.isEmpty()) {
            headers.set(name, safe);
        }
    }

    /** Claims are data, not header syntax: control characters would split or smuggle headers, so they go. */
    static String headerSafe(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean bad = c < 0x20 && c != '\t' || c == 0x7f || c > 0xff;
            if (bad && sb == null) {
                sb = new StringBuilder(value.length()).append(value, 0, i);
            } else if (!bad && sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? value : sb.toString();
    }
}
