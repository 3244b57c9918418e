package io.drawbridge.config;

import java.time.Duration;
import java.util.List;

/**
 * The browser session: a cookie encrypted and authenticated with AES-256-GCM, so any number of gateway instances
 * share sessions without shared state.
 *
 * @param keys          base64-encoded 32-byte keys, each an environment placeholder; the first encrypts, all
 *                      decrypt (add a new key in front, drop the old one once its sessions have expired); required
 * @param cookieName    default {@code drawbridge_session} (large sessions are split into {@code _0}, {@code _1}...)
 * @param cookieDomain  the cookie's {@code Domain}, e.g. {@code example.com} for single sign-on across
 *                      sub-domains; default none (the host that set it)
 * @param secure        the cookie's {@code Secure} flag; default true when the listener has TLS or the redirect URI
 *                      is https
 * @param idleTimeout   a session unused this long ends; default 8h
 * @param maxLifetime   a session ends this long after sign-in, used or not; default 24h
 * @param refreshBefore access tokens are refreshed this long before they expire; default 60s
 */
public record SessionConfig(
        List<String> keys,
        String cookieName,
        String cookieDomain,
        Boolean secure,
        Duration idleTimeout,
        Duration maxLifetime,
        Duration refreshBefore) {

    public SessionConfig {
        keys = keys == null ? List.of() : keys.stream().filter(k -> k != null && !k.isBlank()).toList();
        cookieName = cookieName == null ? "drawbridge_session" : cookieName;
        idleTimeout = idleTimeout == null ? Duration.ofHours(8) : idleTimeout;
        maxLifetime = maxLifetime == null ? Duration.ofHours(24) : maxLifetime;
        refreshBefore = refreshBefore == null ? Duration.ofSeconds(60) : refreshBefore;
    }

    public static SessionConfig defaults() {
        return new SessionConfig(null, null, null, null, null, null, null);
    }

    /** Keys are never printed. */
    @Override
    public String toString() {
        return "SessionConfig[keys=" + keys.size() + ", cookieName=" + cookieName + ", cookieDomain=" + cookieDomain
                + ", secure=" + secure + ", idleTimeout=" + idleTimeout + ", maxLifetime=" + maxLifetime
                + ", refreshBefore=" + refreshBefore + "]";
    }
}
