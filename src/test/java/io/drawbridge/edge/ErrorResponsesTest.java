package io.drawbridge.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.Outcome;
import io.drawbridge.Reason;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The one place failures become HTTP: status per reason, a body that tells only status and request id. */
class ErrorResponsesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST_ID = "k3x9q0ab-1f";

    /** The intended status of every reason, written out so that a new reason has to be placed here. */
    private static final Map<Reason, Integer> STATUS = new EnumMap<>(Reason.class);

    static {
        for (Reason r : List.of(Reason.TOKEN_MISSING, Reason.TOKEN_MALFORMED, Reason.TOKEN_EXPIRED,
                Reason.TOKEN_NOT_YET_VALID, Reason.SIGNATURE_INVALID, Reason.ALGORITHM_NOT_ALLOWED, Reason.KEY_UNKNOWN,
                Reason.ISSUER_UNKNOWN, Reason.ISSUER_NOT_ALLOWED, Reason.AUDIENCE_MISMATCH, Reason.CLAIM_MISSING,
                Reason.TOKEN_INVALID, Reason.NOT_AUTHENTICATED, Reason.LOGIN_REQUIRED, Reason.LOGIN_FAILED,
                Reason.SESSION_INVALID, Reason.SESSION_EXPIRED, Reason.TOKEN_LIFETIME_EXCEEDED, Reason.AZP_NOT_ALLOWED,
                Reason.TOKEN_NONCANONICAL, Reason.KEY_TOO_WEAK)) {
            STATUS.put(r, 401);
        }
        for (Reason r : List.of(Reason.NO_POLICY, Reason.DENY_RULE_MATCHED, Reason.NO_RULE_MATCHED,
                Reason.GROUP_MISSING, Reason.USER_NOT_ALLOWED, Reason.EMAIL_NOT_ALLOWED, Reason.CLAIM_MISMATCH,
                Reason.SCOPE_MISSING, Reason.METHOD_NOT_ALLOWED, Reason.PATH_NOT_ALLOWED, Reason.CSRF_REJECTED,
                Reason.IDENTITY_UNREPRESENTABLE)) {
            STATUS.put(r, 403);
        }
        STATUS.put(Reason.ISSUER_UNAVAILABLE, 503);
        STATUS.put(Reason.ROUTE_STOPPED, 503);
        STATUS.put(Reason.CATALOG_UNAVAILABLE, 503);
        STATUS.put(Reason.USER_NOT_IN_CATALOG, 403);
        STATUS.put(Reason.CATALOG_ROUTE_REJECTED, 404);
        STATUS.put(Reason.CONFIG_REJECTED, 500);
        STATUS.put(Reason.NO_ROUTE, 404);
        STATUS.put(Reason.METHOD_REJECTED, 405);
        STATUS.put(Reason.BODY_TOO_LARGE, 413);
        STATUS.put(Reason.URI_TOO_LONG, 414);
        STATUS.put(Reason.HEADERS_TOO_LARGE, 431);
        STATUS.put(Reason.HTTP_VERSION_NOT_SUPPORTED, 505);
        STATUS.put(Reason.CLIENT_TIMEOUT, 408);
        STATUS.put(Reason.MISDIRECTED_REQUEST, 421);
        STATUS.put(Reason.UNTRUSTED_FRONT, 403);
        STATUS.put(Reason.BAD_REQUEST, 400);
        STATUS.put(Reason.PATH_REJECTED, 400);
        STATUS.put(Reason.UPSTREAM_UNREACHABLE, 502);
        STATUS.put(Reason.UPSTREAM_RESET, 502);
        STATUS.put(Reason.UPSTREAM_INVALID, 502);
        STATUS.put(Reason.UPSTREAM_UNAVAILABLE, 503);
        STATUS.put(Reason.AUDIT_BEHIND, 503);
        STATUS.put(Reason.ACCESS_STORE_UNAVAILABLE, 503);
        STATUS.put(Reason.UPSTREAM_TIMEOUT, 504);
        STATUS.put(Reason.CORS_REFUSED, 403);
        STATUS.put(Reason.RATE_LIMITED, 429);
        // MCP routes: the body of these is a JSON-RPC error (McpResponses), the status the same table's
        STATUS.put(Reason.MCP_TOOL_NOT_ALLOWED, 403);
        STATUS.put(Reason.MCP_METHOD_NOT_ALLOWED, 403);
        STATUS.put(Reason.MCP_REQUEST_INVALID, 400);
        // Access requests' API: refusals with their own codes
        for (Reason r : List.of(Reason.ACCESS_NOT_REQUESTABLE, Reason.ACCESS_SELF_APPROVAL, Reason.ACCESS_NOT_APPROVER,
                Reason.ACCESS_CROSS_SITE)) {
            STATUS.put(r, 403);
        }
        STATUS.put(Reason.ACCESS_REQUEST_CONFLICT, 409);
        STATUS.put(Reason.ACCESS_TOO_MANY_REQUESTS, 429);
        STATUS.put(Reason.ACCESS_DURATION_EXCEEDED, 400);
        STATUS.put(Reason.ACCESS_REASON_REQUIRED, 400);
        STATUS.put(Reason.ACCESS_INVALID, 400);
        STATUS.put(Reason.ACCESS_NOT_FOUND, 404);
        // Not failures a client caused or an upstream had: the default. Access events are audit codes only.
        for (Reason r : List.of(Reason.RULE_MATCHED, Reason.PUBLIC_ROUTE, Reason.AUDIT_ONLY, Reason.CORS_PREFLIGHT,
                Reason.CLIENT_ABORTED, Reason.UPGRADE_CLOSED, Reason.INTERNAL_ERROR, Reason.GRANT_ACTIVE,
                Reason.GRANT_ENDED, Reason.ACCESS_REQUESTED, Reason.ACCESS_APPROVED, Reason.ACCESS_REJECTED,
                Reason.ACCESS_EXPIRED, Reason.ACCESS_REVOKED, Reason.ACCESS_WITHDRAWN)) {
            STATUS.put(r, 500);
        }
    }

    @Test
    void intendedStatusTableNamesEveryReason() {
        assertThat(STATUS.keySet()).containsExactlyInAnyOrder(Reason.values());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Reason.class)
    void mapsEachReasonToItsStatus(Reason reason) {
        assertThat(ErrorResponses.statusFor(reason)).isEqualTo(STATUS.get(reason));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Reason.class)
    void aRefusalAboutTheCallerIsADenialAndAnyOtherAnError(Reason reason) {
        int status = STATUS.get(reason);
        assertThat(ErrorResponses.outcomeFor(reason))
                .isEqualTo(status == 401 || status == 403 || status == 429 ? Outcome.DENY : Outcome.ERROR);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Reason.class)
    void bodyIsJsonWithTheStatusAndRequestIdAndNoReason(Reason reason) throws Exception {
        int status = ErrorResponses.statusFor(reason);
        FullHttpResponse response = ErrorResponses.build(status, reason, REQUEST_ID);
        try {
            String body = response.content().toString(StandardCharsets.UTF_8);
            JsonNode json = JSON.readTree(body);

            assertThat(response.status().code()).isEqualTo(status);
            assertThat(fieldNames(json)).containsExactlyInAnyOrder("status", "error", "requestId");
            assertThat(json.get("status").intValue()).isEqualTo(status);
            assertThat(json.get("requestId").textValue()).isEqualTo(REQUEST_ID);
            // "error" is the status's own reason phrase, not the reason: it says nothing the status does not.
            assertThat(json.get("error").textValue()).isEqualTo(HttpResponseStatus.valueOf(status).reasonPhrase());
            assertThat(body).doesNotContain(reason.code()).doesNotContain(reason.name());
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
            assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH))
                    .isEqualTo(response.content().readableBytes());
            assertThat(response.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-store");
        } finally {
            response.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Reason.class, names = {"TOKEN_MISSING", "NOT_AUTHENTICATED"})
    void missingCredentialsGetABareChallenge(Reason reason) {
        FullHttpResponse response = ErrorResponses.build(401, reason, REQUEST_ID);
        try {
            assertThat(response.headers().getAll(HttpHeaderNames.WWW_AUTHENTICATE))
                    .containsExactly("Bearer realm=\"drawbridge\"");
        } finally {
            response.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Reason.class, names = {"TOKEN_MALFORMED", "TOKEN_EXPIRED", "TOKEN_NOT_YET_VALID",
            "SIGNATURE_INVALID", "ALGORITHM_NOT_ALLOWED", "KEY_UNKNOWN", "ISSUER_UNKNOWN", "ISSUER_NOT_ALLOWED",
            "AUDIENCE_MISMATCH", "CLAIM_MISSING", "TOKEN_INVALID"})
    void presentedButUnacceptableTokensGetInvalidToken(Reason reason) {
        FullHttpResponse response = ErrorResponses.build(401, reason, REQUEST_ID);
        try {
            assertThat(response.headers().getAll(HttpHeaderNames.WWW_AUTHENTICATE))
                    .containsExactly("Bearer realm=\"drawbridge\", error=\"invalid_token\"");
        } finally {
            response.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Reason.class)
    void onlyA401ChallengesAndOnlyA503SaysWhenToRetry(Reason reason) {
        int status = ErrorResponses.statusFor(reason);
        FullHttpResponse response = ErrorResponses.build(status, reason, REQUEST_ID);
        try {
            assertThat(response.headers().contains(HttpHeaderNames.WWW_AUTHENTICATE)).isEqualTo(status == 401);
            assertThat(ErrorResponses.isChallenge(status)).isEqualTo(status == 401);
            if (status == 503) {
                assertThat(response.headers().getInt(HttpHeaderNames.RETRY_AFTER)).isPositive();
            } else {
                assertThat(response.headers().contains(HttpHeaderNames.RETRY_AFTER)).isFalse();
            }
        } finally {
            response.release();
        }
    }

    @Test
    void aMissingScopeIsChallengedWithInsufficientScopeNamingTheScopesThatWouldDo() {
        var headers = new io.netty.handler.codec.http.DefaultHttpHeaders();
        ErrorResponses.insufficientScope(headers, List.of("read:x", "admin:x"));

        assertThat(headers.getAll(HttpHeaderNames.WWW_AUTHENTICATE)).containsExactly(
                "Bearer realm=\"drawbridge\", error=\"insufficient_scope\", scope=\"read:x admin:x\"");
    }

    @Test
    void statusOfABadRequestWinsOverItsReason() {
        // A BadRequest carries its own status (413, 431, 405 ...) with a generic reason; build() takes it as given.
        FullHttpResponse response = ErrorResponses.build(413, Reason.BAD_REQUEST, REQUEST_ID);
        try {
            assertThat(response.status().code()).isEqualTo(413);
            assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("\"status\":413");
        } finally {
            response.release();
        }
    }

    private static List<String> fieldNames(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
