package io.drawbridge.proxy;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.edge.BodyFraming;
import io.drawbridge.edge.ClientRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The proxy step's use of its route's cache for one authorized request: answer from it ({@code hit}), or go to
 * the upstream and maybe keep the answer ({@code miss}, {@code stale} for an expired entry), or leave it out
 * ({@code bypass}: not a plain {@code GET}/{@code HEAD}, a range, a body, a client asking for a fresh answer).
 * The result goes to the audit record through {@link ExchangeKeys#CACHE}.
 */
final class CacheLookup {

    static final String HIT = "hit";
    static final String MISS = "miss";
    static final String STALE = "stale";
    static final String BYPASS = "bypass";

    /** Headers a {@code 304} repeats from the response it stands for (RFC 9110 section 15.4.5). */
    private static final Set<String> NOT_MODIFIED_HEADERS = Set.of("cache-control", "content-location", "date",
            "etag", "expires", "vary", "last-modified");

    private CacheLookup() {
    }

    /**
     * What the cache did for a request.
     *
     * @param answered whether the message now holds the response, from the cache
     * @param fill     what may keep the upstream's response, or {@code null} when none may be kept
     */
    record Use(boolean answered, CacheFill fill) {
    }

    private static final Use ANSWERED = new Use(true, null);
    /** To the upstream, keeping nothing. */
    static final Use UPSTREAM = new Use(false, null);

    /** Answers from the cache when it can; otherwise says whether the upstream's response may be kept. */
    static Use consult(AssetCache cache, ClientRequest client, Exchange exchange) {
        HttpMethod method = client.head().method();
        HttpHeaders request = client.head().headers();
        String key = key(exchange, client);
        boolean safe = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        if (!safe) {
            if (!method.equals(HttpMethod.OPTIONS) && !method.equals(HttpMethod.TRACE)) {
                cache.invalidate(key); // an unsafe method may change what the path serves (RFC 9111 section 4.4)
            }
            return bypass(exchange);
        }
        if (request.contains(HttpHeaderNames.RANGE) || client.framing() != BodyFraming.NONE
                || client.upgradeProtocol() != null || exchange.getMessage().getBody() != null) {
            return bypass(exchange);
        }
        CacheControl asked = CacheControl.parse(request.getAll(HttpHeaderNames.CACHE_CONTROL));
        boolean noStore = asked.has("no-store");
        boolean wantsFresh = noStore || asked.has("no-cache") || asked.seconds("max-age") == 0
                || request.getAll(HttpHeaderNames.PRAGMA).stream()
                .anyMatch(p -> p.toLowerCase(Locale.ROOT).contains("no-cache"));
        if (wantsFresh) {
            exchange.setProperty(ExchangeKeys.CACHE, BYPASS);
            return noStore || method.equals(HttpMethod.HEAD) ? UPSTREAM : fill(cache, key, client);
        }
        String acceptEncoding = request.get(HttpHeaderNames.ACCEPT_ENCODING);
        CachedResponse kept = cache.find(key, acceptEncoding);
        long now = cache.now();
        if (kept != null && kept.fresh(now)) {
            exchange.setProperty(ExchangeKeys.CACHE, HIT);
            answer(kept, now, client, exchange.getMessage());
            return ANSWERED;
        }
        exchange.setProperty(ExchangeKeys.CACHE, kept == null ? MISS : STALE);
        return method.equals(HttpMethod.GET) ? fill(cache, key, client) : UPSTREAM;
    }

    private static Use bypass(Exchange exchange) {
        exchange.setProperty(ExchangeKeys.CACHE, BYPASS);
        return UPSTREAM;
    }

    private static Use fill(AssetCache cache, String key, ClientRequest client) {
        return new Use(false, new CacheFill(cache, key, client.head().headers().get(HttpHeaderNames.ACCEPT_ENCODING),
                cache.listed(client.target().path())));
    }

    /** The route, host, path and query: what names one upstream resource behind one route. */
    private static String key(Exchange exchange, ClientRequest client) {
        String host = client.hostHeader() == null ? "" : client.hostHeader().toLowerCase(Locale.ROOT);
        String query = client.target().query();
        return exchange.getProperty(ExchangeKeys.ROUTE_ID, String.class) + '\n' + host + '\n'
                + client.target().path() + (query == null ? "" : "?" + query);
    }

    /** The kept response, or a {@code 304} when the request's validators match it, with its {@code Age}. */
    private static void answer(CachedResponse kept, long now, ClientRequest client, Message message) {
        HttpHeaders headers = new DefaultHttpHeaders();
        boolean notModified = CacheRules.notModified(client.head().headers(), kept.etag(), kept.lastModified());
        for (Map.Entry<String, String> header : kept.headers()) {
            if (!notModified || NOT_MODIFIED_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(header.getKey(), header.getValue());
            }
        }
        headers.set(HttpHeaderNames.AGE, kept.age(now));
        byte[] body = notModified || client.head().method().equals(HttpMethod.HEAD) ? null : kept.body();
        if (body != null) {
            ResponseCompression compression = ResponseCompression.start(client.head().method(),
                    client.head().headers(), 200, headers);
            if (compression != null) {
                ByteBuf encoded = compression.finish(Unpooled.wrappedBuffer(body));
                body = new byte[encoded.readableBytes()];
                encoded.readBytes(body);
                encoded.release();
                headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            }
        }
        message.getHeaders().clear();
        ResponseHeaders.copy(headers, message.getHeaders());
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, notModified ? 304 : 200);
        message.setBody(new CachedAnswer(body));
    }
}
