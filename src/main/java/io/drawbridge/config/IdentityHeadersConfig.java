package io.drawbridge.config;

import java.util.List;

/**
 * Identity headers: what the gateway removes from every client request, and what it sets for the upstream.
 * Names are matched case-insensitively and with {@code _} and {@code -} taken as the same character, because
 * many upstream frameworks (CGI, PHP, some Node and Python servers) fold them together.
 *
 * @param user   header carrying the user name to upstreams; default {@code X-Forwarded-User}
 * @param email  header carrying the e-mail; default {@code X-Forwarded-Email}
 * @param groups header carrying the groups, comma-separated; default {@code X-Forwarded-Groups}
 * @param preferredUsername header carrying the user name again, as Backstage's {@code oauth2Proxy} sign-in
 *               provider and oauth2-proxy's upstreams read it; default {@code X-Forwarded-Preferred-Username}
 * @param strip  more names (or prefixes ending in {@code *}) to remove from clients, beyond the three above and
 *               the built-in list of well-known identity headers
 * @param encoding what to do with values a header cannot carry as they are: see {@link IdentityEncodingConfig}
 */
public record IdentityHeadersConfig(String user, String email, String groups, String preferredUsername,
                                    List<String> strip, IdentityEncodingConfig encoding) {

    /**
     * Identity and client-certificate headers other proxies and frameworks set; a client must never be able to
     * send any of them. By family in {@link ForbiddenHeaderFamilies}.
     */
    public static final List<String> WELL_KNOWN = ForbiddenHeaderFamilies.all();

    public IdentityHeadersConfig {
        user = user == null ? "X-Forwarded-User" : user;
        email = email == null ? "X-Forwarded-Email" : email;
        groups = groups == null ? "X-Forwarded-Groups" : groups;
        preferredUsername = preferredUsername == null ? "X-Forwarded-Preferred-Username" : preferredUsername;
        strip = strip == null ? List.of() : List.copyOf(strip);
        encoding = encoding == null ? IdentityEncodingConfig.defaults() : encoding;
    }

    public IdentityHeadersConfig(String user, String email, String groups, String preferredUsername,
                                 List<String> strip) {
        this(user, email, groups, preferredUsername, strip, null);
    }

    public static IdentityHeadersConfig defaults() {
        return new IdentityHeadersConfig(null, null, null, null, null, null);
    }
}
