package io.drawbridge.config;

import java.time.Duration;
import java.util.Map;

/**
 * Defaults for every upstream; a route's proxy step may override each.
 *
 * @param connectTimeout  how long to wait for a TCP connection; default 2s (then 502)
 * @param responseTimeout how long to wait for the response head after the request is sent; default 30s (then 504)
 * @param idleTimeout     how long a pooled keep-alive connection may sit unused; default 60s
 * @param maxIdlePerHost  pooled idle connections kept per upstream and event loop; default 64
 * @param tls             named TLS settings for upstreams (CA bundle, client certificate, server name), which a
 *                        route's proxy step applies with {@code tls=<name>}; default none
 */
public record UpstreamDefaults(Duration connectTimeout, Duration responseTimeout, Duration idleTimeout,
                               Integer maxIdlePerHost, Map<String, UpstreamTlsConfig> tls) {

    /** Without named TLS settings. */
    public UpstreamDefaults(Duration connectTimeout, Duration responseTimeout, Duration idleTimeout,
                            Integer maxIdlePerHost) {
        this(connectTimeout, responseTimeout, idleTimeout, maxIdlePerHost, null);
    }

    public UpstreamDefaults {
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
        responseTimeout = responseTimeout == null ? Duration.ofSeconds(30) : responseTimeout;
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
        maxIdlePerHost = maxIdlePerHost == null ? 64 : maxIdlePerHost;
        tls = tls == null ? Map.of() : Map.copyOf(tls);
    }

    public static UpstreamDefaults defaults() {
        return new UpstreamDefaults(null, null, null, null);
    }
}
