package io.drawbridge.proxy;

import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.Set;

/**
 * How a route's proxy step talks to its upstream.
 *
 * @param connectTimeout  how long to wait for a connection (then 502)
 * @param responseTimeout how long to wait for the response head once the request is sent (then 504)
 * @param ownCookie       the gateway's session cookie name: upstream {@code Set-Cookie}s for it, its parts and
 *                        the login cookie are removed
 * @param tls             named TLS settings for an https upstream, or {@code null} for the JDK's trust store
 * @param compress        whether responses may be gzipped for clients that accept it
 */
record ProxyOptions(Duration connectTimeout, Duration responseTimeout, String ownCookie, UpstreamTls tls,
                    boolean compress) {

    /** The session cookie's name when no sign-in is configured (its default). */
    static final String DEFAULT_COOKIE = "drawbridge_session";

    ProxyOptions withOwnCookie(String name) {
        return new ProxyOptions(connectTimeout, responseTimeout, name, tls, compress);
    }

    ProxyOptions withTls(UpstreamTls settings) {
        return new ProxyOptions(connectTimeout, responseTimeout, ownCookie, settings, compress);
    }

    ProxyOptions withCompression(boolean on) {
        return new ProxyOptions(connectTimeout, responseTimeout, ownCookie, tls, on);
    }

    private static final Set<HttpMethod> IDEMPOTENT = Set.of(
            HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE);

    /** Whether a request that died on a stale pooled connection may be sent again on a fresh one. */
    boolean retryable(HttpMethod method) {
        return IDEMPOTENT.contains(method);
    }
}
