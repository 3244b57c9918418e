package io.drawbridge.edge;

import io.drawbridge.Outcome;
import io.drawbridge.Reason;
import io.drawbridge.page.HtmlPage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one place where failures become HTTP: the status for each reason, and a body that tells the client the
 * status, the request id and, when the policy's {@code explain} level allows, the stable reason code. The detail
 * (which rule, which claim) is for the audit record. People get an HTML page instead ({@link #page}).
 */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    /**
     * The status of a refusal with this reason: the one table from reasons to HTTP. Exhaustive on purpose (no
     * {@code default}), so that a new reason does not compile until it is placed here. Reasons that never refuse a
     * request (the allow reasons, the end of a tunnel, a client gone) answer 500: a refusal carrying one would be a
     * gateway bug, and fails closed.
     */
    public static int statusFor(Reason reason) {
        return switch (reason) {
            case TOKEN_MISSING, TOKEN_MALFORMED, TOKEN_EXPIRED, TOKEN_NOT_YET_VALID, SIGNATURE_INVALID,
                 ALGORITHM_NOT_ALLOWED, KEY_UNKNOWN, ISSUER_UNKNOWN, ISSUER_NOT_ALLOWED, AUDIENCE_MISMATCH,
                 CLAIM_MISSING, TOKEN_INVALID, NOT_AUTHENTICATED, LOGIN_FAILED, SESSION_INVALID, SESSION_EXPIRED,
                 LOGIN_REQUIRED, TOKEN_LIFETIME_EXCEEDED, AZP_NOT_ALLOWED, TOKEN_NONCANONICAL, KEY_TOO_WEAK -> 401;
            case ISSUER_UNAVAILABLE, ROUTE_STOPPED, CATALOG_UNAVAILABLE, UPSTREAM_UNAVAILABLE, AUDIT_BEHIND -> 503;
            case ACCESS_STORE_UNAVAILABLE -> 503;
            case NO_POLICY, DENY_RULE_MATCHED, NO_RULE_MATCHED, GROUP_MISSING, USER_NOT_ALLOWED, EMAIL_NOT_ALLOWED,
                 CLAIM_MISMATCH, SCOPE_MISSING, METHOD_NOT_ALLOWED, PATH_NOT_ALLOWED, USER_NOT_IN_CATALOG, CSRF_REJECTED,
                 CORS_REFUSED, IDENTITY_UNREPRESENTABLE -> 403;
            case MCP_TOOL_NOT_ALLOWED, MCP_METHOD_NOT_ALLOWED -> 403;
            case MCP_REQUEST_INVALID -> 400;
            case ACCESS_NOT_REQUESTABLE, ACCESS_SELF_APPROVAL, ACCESS_NOT_APPROVER, ACCESS_CROSS_SITE -> 403;
            case ACCESS_REQUEST_CONFLICT -> 409;
            case ACCESS_TOO_MANY_REQUESTS -> 429;
            case ACCESS_DURATION_EXCEEDED, ACCESS_REASON_REQUIRED, ACCESS_INVALID -> 400;
            case ACCESS_NOT_FOUND -> 404;
            case NO_ROUTE, CATALOG_ROUTE_REJECTED -> 404;
            case METHOD_REJECTED -> 405;
            case BODY_TOO_LARGE -> 413;
            case URI_TOO_LONG -> 414;
            case HEADERS_TOO_LARGE -> 431;
            case HTTP_VERSION_NOT_SUPPORTED -> 505;
            case RATE_LIMITED -> 429;
            case CLIENT_TIMEOUT -> 408;
            case MISDIRECTED_REQUEST -> 421;
            case UNTRUSTED_FRONT -> 403;
            case BAD_REQUEST, PATH_REJECTED -> 400;
            case UPSTREAM_UNREACHABLE, UPSTREAM_RESET, UPSTREAM_INVALID -> 502;
            case UPSTREAM_TIMEOUT -> 504;
            case RULE_MATCHED, PUBLIC_ROUTE, AUDIT_ONLY, CORS_PREFLIGHT, CONFIG_REJECTED, CLIENT_ABORTED,
                 UPGRADE_CLOSED, INTERNAL_ERROR, GRANT_ACTIVE, GRANT_ENDED, ACCESS_REQUESTED, ACCESS_APPROVED,
                 ACCESS_REJECTED, ACCESS_EXPIRED, ACCESS_REVOKED, ACCESS_WITHDRAWN -> 500;
        };
    }

    /**
     * The outcome of a refusal with this reason: {@code deny} when the refusal is about the caller (401, 403, 429),
     * {@code error} when the request could not be served.
     */
    public static Outcome outcomeFor(Reason reason) {
        return switch (statusFor(reason)) {
            case 401, 403, 429 -> Outcome.DENY;
            default -> Outcome.ERROR;
        };
    }

    /** Whether a status means "authenticate first", which earns a {@code WWW-Authenticate} challenge. */
    public static boolean isChallenge(int status) {
        return status == 401;
    }

    /** JSON without the reason code, as for a policy with {@code explain: none}. */
    public static FullHttpResponse build(int status, Reason reason, String requestId) {
        return build(status, reason, requestId, false);
    }

    /** @param withReason whether the body names the reason code ({@code "reason":"group-missing"}) */
    public static FullHttpResponse build(int status, Reason reason, String requestId, boolean withReason) {
        HttpResponseStatus s = HttpResponseStatus.valueOf(status);
        String json = "{\"status\":" + status + ",\"error\":\"" + s.reasonPhrase() + "\""
                + (withReason ? ",\"reason\":\"" + reason.code() + "\"" : "") + ",\"requestId\":\"" + requestId
                + "\"}\n";
        return respond(status, reason, Unpooled.copiedBuffer(json, StandardCharsets.UTF_8), "application/json");
    }

    /** An HTML page for a person, under the page's strict Content-Security-Policy. */
    public static FullHttpResponse page(int status, Reason reason, String html) {
        FullHttpResponse response = respond(status, reason, Unpooled.copiedBuffer(html, StandardCharsets.UTF_8),
                "text/html; charset=utf-8");
        response.headers()
                .set("Content-Security-Policy", HtmlPage.CONTENT_SECURITY_POLICY)
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer")
                .set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT);
        return response;
    }

    private static FullHttpResponse respond(int status, Reason reason, ByteBuf body, String contentType) {
        HttpResponseStatus s = HttpResponseStatus.valueOf(status);
        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (status == 401) {
            // RFC 6750 §3: a presented but unacceptable token is "invalid_token"; a missing one gets no error code.
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, reason == Reason.TOKEN_MISSING
                    || reason == Reason.NOT_AUTHENTICATED
                    ? "Bearer realm=\"drawbridge\"" : "Bearer realm=\"drawbridge\", error=\"invalid_token\"");
        }
        if (status == 503) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
        }
        return response;
    }

    /**
     * RFC 6750 §3.1: a 403 for a token without the scope the route asks for names the scopes that would do (any
     * one of them), so that a client can ask its issuer for one. Scopes are checked as RFC 6749 scope tokens when
     * the policy is compiled: no space, quote or backslash can reach the header.
     */
    public static void insufficientScope(HttpHeaders headers, List<String> scopes) {
        headers.set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"drawbridge\", error=\"insufficient_scope\""
                + (scopes.isEmpty() ? "" : ", scope=\"" + String.join(" ", scopes) + "\""));
    }
}
