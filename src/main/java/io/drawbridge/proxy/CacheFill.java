package io.drawbridge.proxy;

import io.drawbridge.edge.HeaderNames;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Copies one upstream response into a route's cache as it streams to the client, when {@link CacheRules} allow
 * it. The client's stream is never held back: chunks are copied, not kept, and a body that grows past the
 * cache's per-entry bound stops the copy and is forgotten (so a large body is never buffered).
 */
final class CacheFill {

    private final AssetCache cache;
    private final String key;
    private final String acceptEncoding;
    private final boolean listedPath;
    private boolean credentialsSent;
    private List<Map.Entry<String, String>> headers;
    private CacheRules.Verdict verdict;
    private HttpHeaders head;
    private long arrivedAt;
    private ByteArrayOutputStream body;

    CacheFill(AssetCache cache, String key, String acceptEncoding, boolean listedPath) {
        this.cache = cache;
        this.key = key;
        this.acceptEncoding = AssetCache.normalize(acceptEncoding);
        this.listedPath = listedPath;
    }

    /** Notes whether the request the upstream gets carries the caller's credentials. */
    void requestHeaders(HttpHeaders upstreamRequest) {
        credentialsSent = upstreamRequest.contains(HttpHeaderNames.AUTHORIZATION)
                || upstreamRequest.contains(HttpHeaderNames.COOKIE);
    }

    /**
     * Judges the response head, before anything rewrites it; returns this fill when the body is to be copied,
     * else {@code null} (and a kept entry the upstream no longer lets be kept is forgotten).
     */
    CacheFill begin(int status, HttpHeaders response) {
        arrivedAt = cache.now();
        verdict = CacheRules.judge(status, response, credentialsSent, listedPath, cache.defaultTtl(), arrivedAt);
        if (!verdict.storable()) {
            if (status == 200) {
                cache.invalidate(key);
            }
            return null;
        }
        String length = response.get(HttpHeaderNames.CONTENT_LENGTH);
        try {
            if (length != null && Long.parseLong(length.trim()) > cache.maxEntryBytes()) {
                return null;
            }
        } catch (NumberFormatException e) {
            return null;
        }
        headers = new ArrayList<>();
        for (Map.Entry<String, String> header : response) {
            if (!HeaderNames.isHopByHop(header.getKey()) && !HeaderNames.isCamelInternal(header.getKey())) {
                headers.add(Map.entry(header.getKey(), header.getValue()));
            }
        }
        head = response.copy();
        body = new ByteArrayOutputStream(length == null ? 8192 : (int) Long.parseLong(length.trim()));
        return this;
    }

    /**
     * Copies a chunk (its reader index untouched); at the last one, keeps the response. Returns this fill while
     * copying goes on, {@code null} once it stopped or ended.
     */
    CacheFill add(ByteBuf chunk, boolean last) {
        int n = chunk.readableBytes();
        if (body.size() + (long) n > cache.maxEntryBytes()) {
            body = null;
            return null;
        }
        if (n > 0) {
            copy(chunk, body);
        }
        if (last) {
            byte[] bytes = body.toByteArray();
            headers.removeIf(h -> h.getKey().equalsIgnoreCase("Content-Length"));
            headers.add(Map.entry("Content-Length", Integer.toString(bytes.length)));
            cache.store(key, new CachedResponse(List.copyOf(headers), bytes, head.get(HttpHeaderNames.ETAG),
                    head.get(HttpHeaderNames.LAST_MODIFIED), arrivedAt, CacheRules.initialAge(head, arrivedAt),
                    verdict.lifetimeSeconds(), byEncoding() ? acceptEncoding : null));
            return null;
        }
        return this;
    }

    /**
     * Whether the entry answers only requests with the same {@code Accept-Encoding}: when the upstream says it
     * varies by it, and when it encoded the body itself even without saying so (a client that cannot decode the
     * body must never get it from the cache).
     */
    private boolean byEncoding() {
        return CacheRules.variesByEncoding(head) || head.contains(HttpHeaderNames.CONTENT_ENCODING);
    }

    private static void copy(ByteBuf from, ByteArrayOutputStream to) {
        try {
            from.getBytes(from.readerIndex(), to, from.readableBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
