package io.drawbridge.edge;

import io.drawbridge.config.IdentityHeadersConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Recognizes identity headers a client must never be able to send: the configured ones, the well-known ones of
 * other proxies and frameworks, and configured prefixes ({@code X-Acme-*}), in any letter case and with
 * {@code _} for {@code -}.
 */
public final class IdentityHeaderFilter {

    private final Set<String> names = new HashSet<>();
    private final List<String> prefixes = new ArrayList<>();

    public IdentityHeaderFilter(IdentityHeadersConfig config) {
        add(config.user());
        add(config.email());
        add(config.groups());
        add(config.preferredUsername());
        IdentityHeadersConfig.WELL_KNOWN.forEach(this::add);
        config.strip().forEach(this::add);
        add("X-Drawbridge-Assertion");
    }

    private void add(String pattern) {
        if (pattern.endsWith("*")) {
            prefixes.add(HeaderNames.key(pattern.substring(0, pattern.length() - 1)));
        } else {
            names.add(HeaderNames.key(pattern));
        }
    }

    public boolean isIdentityHeader(String name) {
        return isIdentityKey(HeaderNames.key(name));
    }

    /** As {@link #isIdentityHeader(String)}, for a name already turned into its {@code HeaderNames.key}. */
    boolean isIdentityKey(String key) {
        if (names.contains(key)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
