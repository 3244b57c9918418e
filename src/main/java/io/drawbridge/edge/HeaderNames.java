package io.drawbridge.edge;

import java.util.Locale;
import java.util.Set;

/** Header-name rules shared by the edge and the proxy: hop-by-hop, Camel-internal, method overrides. */
public final class HeaderNames {

    /** RFC 9110 §7.6.1 connection-specific fields, plus the proxy-authentication pair meant for this hop only. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
            "proxy-authorization", "proxy-authenticate");

    /** Client-supplied forwarding headers, believed only from trusted proxies and always re-set by the gateway. */
    private static final Set<String> FORWARDING = Set.of(
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-forwarded-prefix",
            "x-forwarded-server", "x-forwarded-ssl", "x-forwarded-scheme", "x-forwarded-protocol", "x-url-scheme",
            "forwarded", "x-real-ip", "x-client-ip", "x-cluster-client-ip", "true-client-ip", "cf-connecting-ip",
            "x-original-url", "x-rewrite-url", "x-original-uri", "x-envoy-original-path",
            // host, path and address overrides that frameworks and proxies honour (IIS ARR, Traefik, Azure, ...)
            "x-original-host", "x-host", "x-http-host-override", "x-forwarded-uri", "x-forwarded-path",
            "x-original-forwarded-for", "x-remote-ip", "x-remote-addr", "x-originating-ip", "client-ip",
            "x-proxyuser-ip", "fastly-client-ip", "x-azure-clientip", "x-azure-socketip", "x-waws-unencoded-url");

    /** Headers that make frameworks treat a request as another method than the one the policy judged. */
    private static final Set<String> METHOD_OVERRIDES = Set.of(
            "x-http-method-override", "x-http-method", "x-method-override", "x-http-verb");

    private HeaderNames() {
    }

    /** Canonical comparison key: lower case, with {@code _} folded to {@code -} as CGI-style servers do. */
    public static String key(String name) {
        // The common case, a name already lower case without '_', allocates nothing.
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if ((c >= 'A' && c <= 'Z') || c == '_' || c > 0x7f) {
                return name.toLowerCase(Locale.ROOT).replace('_', '-');
            }
        }
        return name;
    }

    public static boolean isHopByHop(String name) {
        return HOP_BY_HOP.contains(key(name));
    }

    /** As {@link #isHopByHop(String)}, for a name already turned into its {@link #key(String)}. */
    static boolean isHopByHopKey(String key) {
        return HOP_BY_HOP.contains(key);
    }

    /**
     * Also any {@code X-Forwarded-*}: proxies keep inventing members of that family (Traefik's
     * {@code X-Forwarded-Tls-Client-Cert}), and the gateway sets the ones upstreams need itself.
     */
    static boolean isForwardingKey(String key) {
        return FORWARDING.contains(key) || key.startsWith("x-forwarded-");
    }

    static boolean isMethodOverrideKey(String key) {
        return METHOD_OVERRIDES.contains(key);
    }

    /** Camel's own headers in any letter case: they must never steer an exchange or cross the gateway. */
    public static boolean isCamelInternal(String name) {
        return name.regionMatches(true, 0, "camel", 0, 5) || name.regionMatches(true, 0, "org.apache.camel", 0, 16);
    }

    public static boolean isForwarding(String name) {
        return isForwardingKey(key(name));
    }

    public static boolean isMethodOverride(String name) {
        return METHOD_OVERRIDES.contains(key(name));
    }
}
