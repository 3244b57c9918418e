package io.drawbridge.proxy;

import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.Set;

/**
 * How a route's proxy step talks to its upstream.
 *
 * @param connectTimeout  how long to wait for a connection (then 502)
 * @param responseTimeout how long to wait for the response head once the request is sent (then 504)
 * @param tls             named TLS settings for an https upstream, or {@code null} for the JDK's trust store
 * @param compress        whether responses may be gzipped for clients that accept it
 */
record ProxyOptions(Duration connectTimeout, Duration responseTimeout, UpstreamTls tls, boolean compress) {

    private static final Set<HttpMethod> IDEMPOTENT = Set.of(
            HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE);

    /** Whether a request that died on a stale pooled connection may be sent again on a fresh one. */
    boolean retryable(HttpMethod method) {
        return IDEMPOTENT.contains(method);
    }
}
