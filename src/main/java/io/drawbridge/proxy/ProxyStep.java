package io.drawbridge.proxy;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.edge.BodyFraming;
import io.drawbridge.edge.ClientRequest;
import io.drawbridge.edge.HeaderNames;
import io.drawbridge.edge.RequestTracing;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.AccessDenied;
import io.drawbridge.policy.Decision;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The route step that forwards an authorized request to its upstream ({@code drawbridge:proxy?upstream=...}).
 * It refuses anything no policy allowed, so a route that forgets its authorize step denies instead of leaking.
 */
public final class ProxyStep extends AsyncProcessorSupport {

    /** Headers the gateway derives itself and never takes from the message. */
    private static final Set<String> DERIVED = Set.of("host", "content-length", "transfer-encoding", "expect",
            "x-request-id");

    private final Upstream upstream;
    private ProxyOptions options;
    private final boolean stripPrefix;
    private final String rewritePrefix;
    private final boolean preserveHost;
    private final UpstreamClient upstreams;
    private final IdentityHeaders identityHeaders;
    private final AssertionSigner assertions;

    private UnaryOperator<Object> cookieFilter;
    private AssetCache cache;

    public ProxyStep(Upstream upstream, boolean stripPrefix, String rewritePrefix, boolean preserveHost,
                     Duration connectTimeout, Duration responseTimeout,
                     UpstreamClient upstreams, IdentityHeaders identityHeaders, AssertionSigner assertions) {
        this.upstream = upstream;
        this.stripPrefix = stripPrefix || rewritePrefix != null;
        this.rewritePrefix = rewritePrefix == null ? "" : trimSlash(rewritePrefix);
        this.preserveHost = preserveHost;
        this.options = new ProxyOptions(
                connectTimeout != null ? connectTimeout : upstreams.defaults().connectTimeout(),
                responseTimeout != null ? responseTimeout : upstreams.defaults().responseTimeout(),
                ProxyOptions.DEFAULT_COOKIE, null, false);
        this.upstreams = upstreams;
        this.identityHeaders = identityHeaders;
        this.assertions = assertions;
    }

    /** Talks TLS to the upstream with these named settings (CA bundle, client certificate, server name). */
    public ProxyStep usingTls(UpstreamTls tls) {
        this.options = options.withTls(tls);
        return this;
    }

    /** Gzips responses worth it for clients that accept it ({@link ResponseCompression}). */
    public ProxyStep compressing(boolean compress) {
        this.options = options.withCompression(compress);
        return this;
    }

    /** Serves and keeps responses the upstream marks cacheable for everyone ({@link AssetCache}). */
    public ProxyStep caching(AssetCache cache) {
        this.cache = cache;
        return this;
    }

    /**
     * Filters the {@code Cookie} header the upstream receives: the gateway's session cookies must never reach an
     * upstream, which could replay them.
     */
    public ProxyStep hidingCookies(UnaryOperator<Object> filter) {
        this.cookieFilter = filter;
        return this;
    }

    /** The gateway's session cookie name, whose upstream {@code Set-Cookie}s (and its parts') are removed. */
    public ProxyStep ownCookie(String name) {
        this.options = options.withOwnCookie(name);
        return this;
    }

    public Upstream upstream() {
        return upstream;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ClientRequest client = exchange.getProperty(ExchangeKeys.CLIENT_REQUEST, ClientRequest.class);
        if (client == null) {
            exchange.setException(new IllegalStateException("drawbridge:proxy must follow a gateway: listener"));
            callback.done(true);
            return true;
        }
        Decision decision = exchange.getProperty(ExchangeKeys.DECISION, Decision.class);
        if (decision == null || !decision.proceeds()) {
            exchange.setException(new AccessDenied(decision != null ? decision
                    : Decision.deny(Reason.NO_POLICY, null, null, "the route proxies without an authorize step")));
            callback.done(true);
            return true;
        }
        if (Boolean.TRUE.equals(exchange.getProperty(ExchangeKeys.DECIDE_ONLY))) {
            answerFront(exchange);
            callback.done(true);
            return true;
        }
        // The cache comes after authorization, like the upstream: a refused caller never reaches it.
        CacheLookup.Use cached = cache == null ? CacheLookup.UPSTREAM : CacheLookup.consult(cache, client, exchange);
        if (cached.answered()) {
            callback.done(true);
            return true;
        }
        if (client.channel().eventLoop().inEventLoop()) {
            startCall(exchange, client, callback, cached.fill());
        } else {
            client.channel().eventLoop().execute(() -> startCall(exchange, client, callback, cached.fill()));
        }
        return false;
    }

    private void startCall(Exchange exchange, ClientRequest client, AsyncCallback callback, CacheFill fill) {
        try {
            UpstreamTarget target = upstream.pick();
            if (target == null) {
                throw new UpstreamFailure(Reason.UPSTREAM_UNAVAILABLE, upstream + " has no ready endpoint");
            }
            byte[] fixedBody = fixedBody(exchange);
            HttpRequest head = requestHead(exchange, client, target, fixedBody);
            var call = new ProxyCall(client, exchange, callback, target, options, upstreams, head, fixedBody);
            if (fill != null) {
                fill.requestHeaders(head.headers());
                call.fillingCache(fill);
            }
            call.start();
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(false);
        }
    }

    /**
     * For a front's decision request ({@code drawbridge:decide}): 200 with what the upstream would have been told
     * about the caller, the identity headers and the assertion, for the front to set on the request it passes on.
     * An {@code Authorization} a step set (forwardToken) stays; the client's own is never echoed.
     */
    private void answerFront(Exchange exchange) {
        HttpHeaders answer = new DefaultHttpHeaders();
        Identity identity = exchange.getProperty(ExchangeKeys.IDENTITY, Identity.class);
        identityHeaders.apply(identity, answer);
        if (identity != null && assertions != null) {
            answer.set(AssertionSigner.HEADER, assertions.assertionFor(identity,
                    exchange.getProperty(ExchangeKeys.ROUTE_ID, String.class)));
        }
        var message = exchange.getMessage();
        message.getHeaders().keySet().removeIf(name -> !name.equalsIgnoreCase("Authorization"));
        for (Map.Entry<String, String> header : answer) {
            message.setHeader(header.getKey(), header.getValue());
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setBody(null);
        exchange.setProperty(ExchangeKeys.FRONT_ANSWERED, Boolean.TRUE);
    }

    /** A body the route put on the message replaces the client's (streamed) one. */
    private static byte[] fixedBody(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            return null;
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        byte[] converted = exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, body);
        if (converted == null) {
            throw new IllegalStateException("the route left a " + body.getClass().getSimpleName()
                    + " body that cannot be sent upstream");
        }
        return converted;
    }

    HttpRequest requestHead(Exchange exchange, ClientRequest client, UpstreamTarget target, byte[] fixedBody) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (Map.Entry<String, Object> header : exchange.getMessage().getHeaders().entrySet()) {
            String name = header.getKey();
            Object value = header.getValue();
            if (value == null || HeaderNames.isCamelInternal(name) || HeaderNames.isHopByHop(name)
                    || HeaderNames.isForwarding(name) || DERIVED.contains(HeaderNames.key(name))) {
                continue;
            }
            if (cookieFilter != null && name.equalsIgnoreCase("Cookie")) {
                value = cookieFilter.apply(value);
                if (value == null) {
                    continue;
                }
            }
            if (value instanceof Iterable<?> values) {
                for (Object v : values) {
                    headers.add(name, String.valueOf(v));
                }
            } else {
                headers.add(name, String.valueOf(value));
            }
        }
        headers.set("Host", preserveHost && client.hostHeader() != null
                ? client.hostHeader() : target.hostHeader());
        headers.set("X-Forwarded-For", client.forwardedFor());
        headers.set("X-Forwarded-Proto", client.scheme());
        if (client.hostHeader() != null) {
            headers.set("X-Forwarded-Host", client.hostHeader());
        }
        if (stripPrefix && !client.matchedPrefix().equals("/")) {
            headers.set("X-Forwarded-Prefix", client.matchedPrefix());
        }
        headers.set("X-Request-Id", client.requestId());
        RequestTracing.inject(client.span(), headers);
        Identity identity = exchange.getProperty(ExchangeKeys.IDENTITY, Identity.class);
        identityHeaders.apply(identity, headers);
        headers.remove(AssertionSigner.HEADER);
        if (identity != null && assertions != null) {
            headers.set(AssertionSigner.HEADER, assertions.assertionFor(identity,
                    exchange.getProperty(ExchangeKeys.ROUTE_ID, String.class)));
        }
        if (fixedBody != null) {
            headers.set("Content-Length", fixedBody.length);
        } else if (client.framing() == BodyFraming.CONTENT_LENGTH) {
            headers.set("Content-Length", client.contentLength());
        } else if (client.framing() == BodyFraming.CHUNKED) {
            headers.set("Transfer-Encoding", "chunked");
        } else if (client.head().headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            headers.set("Content-Length", 0);
        }
        if (client.upgradeProtocol() != null) {
            headers.set("Connection", "Upgrade");
            headers.set("Upgrade", client.upgradeProtocol());
        }
        HttpMethod method = client.head().method();
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, upstreamUri(client, target), headers);
    }

    /** The path the upstream gets: its base path, then the client's path with the route prefix swapped or kept. */
    String upstreamUri(ClientRequest client, UpstreamTarget target) {
        String path = client.target().path();
        if (stripPrefix) {
            String prefix = client.matchedPrefix();
            String rest = prefix.equals("/") ? path : path.substring(prefix.length());
            // an MCP endpoint is one URL: the upstream's own, without a slash added to its path
            boolean exact = rest.isEmpty() && client.consumer() != null && client.consumer().getEndpoint().isMcp()
                    && !(rewritePrefix + target.basePath()).isEmpty();
            path = exact ? rewritePrefix : rewritePrefix + (rest.isEmpty() ? "/" : rest);
        }
        String full = target.basePath() + path;
        String query = client.target().query();
        return query == null ? full : full + "?" + query;
    }

    private static String trimSlash(String prefix) {
        String p = prefix.startsWith("/") ? prefix : "/" + prefix;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
