package io.drawbridge.edge;

import io.drawbridge.policy.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The one place where failures become HTTP: the status for each reason, and a body that tells the client only
 * the status and the request id. The precise reason is for the audit record, never for the client.
 */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static int statusFor(Reason reason) {
        return switch (reason) {
            case TOKEN_MISSING, TOKEN_MALFORMED, TOKEN_EXPIRED, TOKEN_NOT_YET_VALID, SIGNATURE_INVALID,
                 ALGORITHM_NOT_ALLOWED, KEY_UNKNOWN, ISSUER_UNKNOWN, ISSUER_NOT_ALLOWED, AUDIENCE_MISMATCH,
                 CLAIM_MISSING, TOKEN_INVALID, NOT_AUTHENTICATED, LOGIN_FAILED, SESSION_INVALID, SESSION_EXPIRED,
                 LOGIN_REQUIRED -> 401;
            case ISSUER_UNAVAILABLE, ROUTE_STOPPED, CATALOG_UNAVAILABLE, UPSTREAM_UNAVAILABLE, AUDIT_BEHIND -> 503;
            case NO_POLICY, DENY_RULE_MATCHED, NO_RULE_MATCHED, GROUP_MISSING, USER_NOT_ALLOWED, EMAIL_NOT_ALLOWED,
                 CLAIM_MISMATCH, METHOD_NOT_ALLOWED, PATH_NOT_ALLOWED, USER_NOT_IN_CATALOG, CSRF_REJECTED -> 403;
            case MCP_TOOL_NOT_ALLOWED, MCP_METHOD_NOT_ALLOWED -> 403;
            case MCP_REQUEST_INVALID -> 400;
            case NO_ROUTE, CATALOG_ROUTE_REJECTED -> 404;
            case METHOD_REJECTED -> 405;
            case BODY_TOO_LARGE -> 413;
            case CLIENT_TIMEOUT -> 408;
            case MISDIRECTED_REQUEST -> 421;
            case BAD_REQUEST, PATH_REJECTED -> 400;
            case UPSTREAM_UNREACHABLE, UPSTREAM_RESET -> 502;
            case UPSTREAM_TIMEOUT -> 504;
            default -> 500;
        };
    }

    /** Whether a status means "authenticate first", which earns a {@code WWW-Authenticate} challenge. */
    public static boolean isChallenge(int status) {
        return status == 401;
    }

    public static FullHttpResponse build(int status, Reason reason, String requestId) {
        HttpResponseStatus s = HttpResponseStatus.valueOf(status);
        String json = "{\"status\":" + status + ",\"error\":\"" + s.reasonPhrase() + "\",\"requestId\":\""
                + requestId + "\"}\n";
        ByteBuf body = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
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
}
