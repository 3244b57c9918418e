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
 */
record ProxyOptions(Duration connectTimeout, Duration responseTimeout, String ownCookie) {

    /** The session cookie's name when no sign-in is configured (its default). */
    static final String DEFAULT_COOKIE = "drawbridge_session";

    private static final Set<HttpMethod> IDEMPOTENT = Set.of(
            HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE);

    /** Whether a request that died on a stale pooled connection may be sent again on a fresh one. */
    boolean retryable(HttpMethod method) {
        return IDEMPOTENT.contains(method);
    }
}
