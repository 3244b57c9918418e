package io.drawbridge.proxy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a route proxies to, parsed once from its {@code upstream} URL.
 *
 * @param secure     whether to speak TLS to it ({@code https})
 * @param host       host name or address literal
 * @param port       port, defaulted from the scheme
 * @param basePath   path prefix put before the forwarded path, without trailing slash ("" for none)
 * @param origin     {@code scheme://host:port}, as audit records name the upstream
 * @param hostHeader the {@code Host} header the upstream expects
 */
public record UpstreamTarget(boolean secure, String host, int port, String basePath, String origin,
                             String hostHeader) {

    public static UpstreamTarget parse(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("upstream '" + url + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("upstream '" + url + "' must be an http:// or https:// URL");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("upstream '" + url + "' needs a host and no user info");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("upstream '" + url + "' must not have a query or fragment");
        }
        boolean secure = scheme.equals("https");
        int defaultPort = secure ? 443 : 80;
        int port = uri.getPort() > 0 ? uri.getPort() : defaultPort;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String host = uri.getHost();
        String hostHeader = port == defaultPort ? host : host + ":" + port;
        return new UpstreamTarget(secure, host, port, path, scheme + "://" + host + ":" + port, hostHeader);
    }
}
