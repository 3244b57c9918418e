package io.drawbridge.edge;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Outcome;
import io.drawbridge.Reason;
import io.drawbridge.Reasoned;
import io.drawbridge.limit.RateLimited;
import io.drawbridge.policy.AccessDenied;
import io.drawbridge.policy.Decision;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request once its route is done: an error for a failure, 403 when nothing authorized the request
 * (deny by default, whatever the route did), the upstream's streamed response, or what the route set itself.
 * Every response carries the request id; every request ends in exactly one audit record.
 */
final class ResponseWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseWriter.class);
    static final String REQUEST_ID_HEADER = "X-Request-Id";

    private ResponseWriter() {
    }

    static void complete(ClientRequest request, Exchange exchange) {
        if (request.finished() || request.status() != 0) { // the edge answered already (body refused, timed out)
            abandon(exchange);
            return;
        }
        Throwable failure = exchange.getException();
        if (failure == null && exchange.getProperty(ExchangeKeys.REDIRECT) instanceof Redirect redirect) {
            failure = redirect;
        }
        if (failure != null) {
            abandon(exchange);
            error(request, failure, exchange);
            return;
        }
        Decision decision = exchange.getProperty(ExchangeKeys.DECISION, Decision.class);
        if (decision == null || !decision.proceeds()) {
            abandon(exchange);
            Decision denied = decision != null ? decision
                    : Decision.deny(Reason.NO_POLICY, null, null, "the route has no authorize step");
            error(request, new AccessDenied(denied), exchange);
            return;
        }
        Object body = exchange.getMessage().getBody();
        if (body instanceof StreamingResponse streaming) {
            stream(request, exchange, streaming);
        } else {
            local(request, exchange, body);
        }
    }

    /** Drops a streamed upstream body the client will not get. */
    private static void abandon(Exchange exchange) {
        if (exchange != null && exchange.getMessage().getBody() instanceof StreamingResponse streaming) {
            streaming.abort();
            exchange.getMessage().setBody(null);
        }
    }

    static void error(ClientRequest request, Throwable failure, Exchange exchange) {
        Reason reason = failure instanceof Reasoned r ? r.reason() : Reason.INTERNAL_ERROR;
        int status = ErrorResponses.statusFor(reason);
        if (reason == Reason.INTERNAL_ERROR) {
            // Key-value pairs, so that a JSON log (logging.format: json) carries them as fields of their own.
            LOG.atError().addKeyValue("requestId", request.requestId())
                    .addKeyValue("traceId", request.span() == null ? null
                            : request.span().getSpanContext().getTraceId())
                    .setCause(failure).log("request {} failed inside the gateway", request.requestId());
        }
        Outcome outcome = failure instanceof Redirect ? Outcome.DENY : ErrorResponses.outcomeFor(reason);
        String detail = failure instanceof AccessDenied denied ? denied.decision().detail()
                : reason == Reason.INTERNAL_ERROR ? failure.getClass().getSimpleName() : failure.getMessage();
        request.outcome(outcome, reason, detail);
        request.discardBody();
        FullHttpResponse response = failure instanceof Redirect redirect
                ? redirect(redirect) : Refusals.response(request, exchange, status, reason);
        if (failure instanceof AccessDenied denied && reason == Reason.SCOPE_MISSING) {
            ErrorResponses.insufficientScope(response.headers(), denied.decision().scopes());
        }
        response = McpResponses.adapt(request, exchange, reason, response); // MCP routes answer in JSON-RPC
        addResponseCookies(exchange, response.headers());
        if (failure instanceof RateLimited limited) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, limited.retryAfterSeconds());
        }
        write(request, response);
    }

    /**
     * Answers a CORS preflight for a route with cross-origin rules: 204 with what they allow, or 403
     * {@code cors-refused}. Audited like any request; never authenticated (a preflight carries no credentials) and
     * never proxied.
     */
    static void preflight(ClientRequest request, CorsPolicy cors, Exchange exchange) {
        HttpHeaders asked = request.head().headers();
        String refusal = cors.refusal(asked);
        if (refusal != null) {
            error(request, new BadRequest(Reason.CORS_REFUSED, refusal), exchange);
            return;
        }
        request.outcome(Outcome.ALLOW, Reason.CORS_PREFLIGHT, null);
        request.discardBody();
        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT,
                Unpooled.EMPTY_BUFFER);
        cors.addPreflightHeaders(asked, response.headers());
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        write(request, response);
    }

    private static FullHttpResponse redirect(Redirect redirect) {
        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(redirect.status()),
                Unpooled.EMPTY_BUFFER);
        response.headers()
                .set(HttpHeaderNames.LOCATION, redirect.location())
                .set(HttpHeaderNames.CONTENT_LENGTH, 0)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    /** The cookies a step asked for (a renewed or ended session), on whatever response the request gets. */
    @SuppressWarnings("unchecked")
    private static void addResponseCookies(Exchange exchange, HttpHeaders headers) {
        Object cookies = exchange == null ? null : exchange.getProperty(ExchangeKeys.RESPONSE_COOKIES);
        if (cookies instanceof List<?> values) {
            for (Object value : values) {
                headers.add(HttpHeaderNames.SET_COOKIE, String.valueOf(value));
            }
        }
    }

    private static void local(ClientRequest request, Exchange exchange, Object body) {
        request.outcome(Outcome.ALLOW, allowReason(exchange), allowDetail(exchange));
        int status = status(exchange, body == null ? 204 : 200);
        byte[] bytes = body == null ? new byte[0]
                : body instanceof byte[] b ? b
                : body instanceof String s ? s.getBytes(StandardCharsets.UTF_8)
                : exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, body);
        if (bytes == null) {
            bytes = String.valueOf(body).getBytes(StandardCharsets.UTF_8);
        }
        ByteBuf content = Unpooled.wrappedBuffer(bytes);
        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content);
        copyHeaders(exchange, request, response.headers(), true);
        addResponseCookies(exchange, response.headers());
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        request.discardBody();
        write(request, response);
    }

    private static void stream(ClientRequest request, Exchange exchange, StreamingResponse streaming) {
        request.outcome(Outcome.ALLOW, allowReason(exchange), allowDetail(exchange));
        int status = status(exchange, 502);
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        HttpHeaders headers = head.headers();
        copyHeaders(exchange, request, headers, false);
        addResponseCookies(exchange, headers);
        headers.set(REQUEST_ID_HEADER, request.requestId());
        strictTransport(request, headers);
        request.addCorsHeaders(headers);
        boolean upgrade = streaming.upgradeProtocol() != null && status == 101;
        boolean keepAlive = HttpUtil.isKeepAlive(request.head()) && !upgrade && !draining(request);
        boolean bodyless = request.head().method().equals(HttpMethod.HEAD) || status == 204 || status == 304
                || status < 200;
        if (upgrade) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            headers.set(HttpHeaderNames.UPGRADE, streaming.upgradeProtocol());
        } else if (!bodyless && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                keepAlive = false; // no chunked encoding in HTTP/1.0: the end of the body is the end of the connection
            } else {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        if (!keepAlive && !upgrade) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        request.status(status);
        boolean reuse = keepAlive;
        StreamPermit permit = exchange.getProperty(ExchangeKeys.STREAM_PERMIT, StreamPermit.class);
        Runnable send = () -> {
            request.channel().write(head);
            streaming.streamTo(request, failure -> {
                StreamPermit.Ended cut = request.streamEnded();
                if (upgrade) {
                    endOfUpgrade(request, cut, failure);
                    finish(request, false);
                } else if (cut != null) {
                    request.outcome(Outcome.DENY, cut.reason(), "stream ended: " + cut.detail());
                    finish(request, false);
                } else if (failure != null) {
                    Reason reason = failure instanceof Reasoned r ? r.reason() : Reason.UPSTREAM_RESET;
                    request.outcome(Outcome.ERROR, reason, failure.getMessage());
                    finish(request, false);
                } else {
                    finish(request, reuse && !upgrade);
                }
            });
            if (!request.finished() && !streaming.arrived()) { // a body all here waits only for its record
                StreamWatch.start(request, permit, Clock.systemUTC());
            }
        };
        if (upgrade) {
            // A tunnel may stay open for hours: its record is written, and awaited, before the 101 goes out.
            request.connection().audit(request, send);
        } else {
            send.run(); // the body's last part waits for the record (ClientRequest.writeLastAfterAudit)
        }
    }

    /**
     * The second record of an upgraded connection (the first went out with the {@code 101}): how it ended, how long
     * it lasted and the bytes each way.
     */
    private static void endOfUpgrade(ClientRequest request, StreamPermit.Ended cut, Throwable failure) {
        if (cut != null) {
            request.outcome(Outcome.DENY, cut.reason(), "upgraded connection ended: " + cut.detail());
        } else {
            request.outcome(Outcome.ALLOW, Reason.UPGRADE_CLOSED, failure == null ? "closed"
                    : "closed: " + failure.getMessage());
        }
        request.connection().auditEnd(request);
    }

    private static void write(ClientRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request.head()) && request.bodyComplete() && !draining(request)
                && !endsConnection(response.status().code());
        response.headers().set(REQUEST_ID_HEADER, request.requestId());
        strictTransport(request, response.headers());
        request.addCorsHeaders(response.headers());
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (request.head().method().equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        request.countOut(response.content().readableBytes()); // errors and local bodies: the audit counts them too
        request.status(response.status().code());
        Runnable send = () -> request.channel().writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.debug("request {}: the response could not be written", request.requestId());
            }
            finish(request, keepAlive && f.isSuccess());
        });
        if (request.outcomeReason() == Reason.AUDIT_BEHIND) {
            send.run(); // refused because the sink is behind: waiting for it would defeat the refusal
        } else {
            request.connection().audit(request, send); // the response leaves once its record is written
        }
    }

    private static boolean draining(ClientRequest request) {
        return request.connection() != null && request.connection().listener().draining();
    }

    /** HSTS on every response of a TLS listener: browsers then never try plain HTTP for this host again. */
    private static void strictTransport(ClientRequest request, HttpHeaders headers) {
        String hsts = request.connection() == null ? null : request.connection().listener().hsts();
        if (hsts != null) {
            headers.set("Strict-Transport-Security", hsts);
        }
    }

    /**
     * Statuses after which the bytes that follow on the connection cannot be trusted to start a request: the
     * request was malformed, too slow, too large, or of another protocol.
     */
    private static boolean endsConnection(int status) {
        return status == 400 || status == 408 || status == 413 || status == 414 || status == 431 || status == 505;
    }

    /**
     * Ends the request: its audit record unless the response already waited for it (a request that ends without
     * a whole response, such as a client gone, is recorded here), then the connection takes the next request or
     * closes.
     */
    static void finish(ClientRequest request, boolean keepAlive) {
        if (!request.markFinished()) {
            return;
        }
        request.connection().audit(request, null);
        request.connection().finished(request, keepAlive);
        Exchange exchange = request.exchange();
        if (exchange != null && request.consumer() != null) {
            request.consumer().release(exchange);
        }
    }

    private static int status(Exchange exchange, int fallback) {
        Object code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE);
        if (code instanceof Number n) {
            return n.intValue();
        }
        if (code != null) {
            try {
                return Integer.parseInt(code.toString().trim());
            } catch (NumberFormatException e) {
                return 500;
            }
        }
        return fallback;
    }

    /**
     * Response headers from the message: never Camel's own, never hop-by-hop; for a response the route wrote
     * itself, never a request header the route merely left in place.
     */
    private static void copyHeaders(Exchange exchange, ClientRequest request, HttpHeaders target, boolean local) {
        for (Map.Entry<String, Object> header : exchange.getMessage().getHeaders().entrySet()) {
            String name = header.getKey();
            Object value = header.getValue();
            if (value == null || HeaderNames.isCamelInternal(name) || HeaderNames.isHopByHop(name)
                    || name.equalsIgnoreCase(REQUEST_ID_HEADER)
                    || (local && request.isRequestHeaderValue(value))) {
                continue;
            }
            if (value instanceof Iterable<?> values) {
                for (Object v : values) {
                    target.add(name, String.valueOf(v));
                }
            } else {
                target.add(name, String.valueOf(value));
            }
        }
    }

    private static Reason allowReason(Exchange exchange) {
        Decision decision = exchange.getProperty(ExchangeKeys.DECISION, Decision.class);
        if (decision == null) {
            return Reason.NO_POLICY;
        }
        return decision.allowed() ? decision.reason() : Reason.AUDIT_ONLY;
    }

    private static String allowDetail(Exchange exchange) {
        String detail = decisionDetail(exchange);
        Object planted = exchange.getProperty(ExchangeKeys.UPSTREAM_COOKIES_REMOVED);
        if (planted instanceof List<?> names && !names.isEmpty()) {
            String removed = "upstream Set-Cookie for the gateway's cookies removed: " + names;
            return detail == null ? removed : detail + "; " + removed;
        }
        return detail;
    }

    private static String decisionDetail(Exchange exchange) {
        Decision decision = exchange.getProperty(ExchangeKeys.DECISION, Decision.class);
        if (decision == null) {
            return null;
        }
        if (!decision.allowed()) {
            return "audit-only policy would deny: " + decision.reason().code()
                    + (decision.detail() == null ? "" : " (" + decision.detail() + ")");
        }
        return decision.rule() == null ? null : "rule " + decision.rule();
    }
}
