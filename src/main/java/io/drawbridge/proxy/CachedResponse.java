package io.drawbridge.proxy;

import java.util.List;
import java.util.Map;

/**
 * An upstream's {@code 200} kept by a route's {@link AssetCache}: its headers (hop-by-hop ones left out) and its
 * bytes exactly as the upstream sent them, with what its freshness is computed from (RFC 9111 section 4.2).
 *
 * @param headers         the response headers, in order, repeated ones repeated
 * @param body            the body as the upstream sent it (possibly encoded by the upstream itself)
 * @param etag            the {@code ETag}, or {@code null}
 * @param lastModified    the {@code Last-Modified}, or {@code null}
 * @param storedAtMillis  when it arrived
 * @param initialAge      its age on arrival, in seconds
 * @param lifetime        how long it stays fresh, in seconds
 * @param acceptEncoding  the request's {@code Accept-Encoding} it answered when it varies by that, else {@code null}
 */
record CachedResponse(List<Map.Entry<String, String>> headers, byte[] body, String etag, String lastModified,
                      long storedAtMillis, long initialAge, long lifetime, String acceptEncoding) {

    /** The {@code Age} to send now, in seconds. */
    long age(long nowMillis) {
        return initialAge + Math.max(0, (nowMillis - storedAtMillis) / 1000);
    }

    boolean fresh(long nowMillis) {
        return age(nowMillis) < lifetime;
    }

    /** Whether it answers a request with this (normalized) {@code Accept-Encoding}. */
    boolean answers(String requestEncoding) {
        return acceptEncoding == null || acceptEncoding.equals(requestEncoding);
    }

    /** Roughly what it holds in memory, in bytes, for the cache's bound. */
    long weight() {
        long size = body.length + 64;
        for (Map.Entry<String, String> header : headers) {
            size += header.getKey().length() + header.getValue().length() + 32;
        }
        return size;
    }
}
