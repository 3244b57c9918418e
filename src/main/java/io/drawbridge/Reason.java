package io.drawbridge;

/**
 * Why a request was allowed, denied or failed. The codes are stable: audit records, metrics and tests use them.
 * Clients never see them (they get a status and a request id).
 */
public enum Reason {
    // allowed
    RULE_MATCHED("rule-matched"),
    PUBLIC_ROUTE("public-route"),
    AUDIT_ONLY("audit-only"),
    CORS_PREFLIGHT("cors-preflight"),
    /** The policy's rules refused the caller, and an active grant from an approved access request admitted them. */
    GRANT_ACTIVE("grant-active"),

    // authentication
    TOKEN_MISSING("token-missing"),
    TOKEN_MALFORMED("token-malformed"),
    TOKEN_EXPIRED("token-expired"),
    TOKEN_NOT_YET_VALID("token-not-yet-valid"),
    SIGNATURE_INVALID("signature-invalid"),
    ALGORITHM_NOT_ALLOWED("algorithm-not-allowed"),
    KEY_UNKNOWN("key-unknown"),
    ISSUER_UNKNOWN("issuer-unknown"),
    ISSUER_NOT_ALLOWED("issuer-not-allowed"),
    AUDIENCE_MISMATCH("audience-mismatch"),
    CLAIM_MISSING("claim-missing"),
    TOKEN_INVALID("token-invalid"),
    /** The token is valid for longer than its issuer's {@code maxTokenLifetime} (an {@code exp} far away). */
    TOKEN_LIFETIME_EXCEEDED("token-lifetime-exceeded"),
    /** The token names several audiences and its {@code azp} is none of the gateway's audiences or parties. */
    AZP_NOT_ALLOWED("azp-not-allowed"),
    /**
     * A segment of the token is not canonical base64url (RFC 7515 §2): the standard alphabet, padding, or
     * non-zero trailing bits; one token must have one spelling, for the verified-token cache and deny lists.
     */
    TOKEN_NONCANONICAL("token-noncanonical"),
    /** The key that would verify the token is too weak (RSA below 2048 bits, an EC curve off the allow-list). */
    KEY_TOO_WEAK("key-too-weak"),
    ISSUER_UNAVAILABLE("issuer-unavailable"),
    /** A browser without a session was sent to the issuer's login page. */
    LOGIN_REQUIRED("login-required"),
    /** The sign-in could not be completed: unknown or replayed state, wrong nonce, refused code, bad ID token. */
    LOGIN_FAILED("login-failed"),
    /** The session cookie was not sealed by this gateway's keys, or was tampered with. */
    SESSION_INVALID("session-invalid"),
    /** The session's idle or absolute lifetime is over, or the issuer refused to refresh its tokens. */
    SESSION_EXPIRED("session-expired"),
    /** A cross-site request was refused (logout without a same-origin proof). */
    CSRF_REJECTED("csrf-rejected"),

    // authorization
    NO_POLICY("no-policy"),
    DENY_RULE_MATCHED("deny-rule-matched"),
    NO_RULE_MATCHED("no-rule-matched"),
    GROUP_MISSING("group-missing"),
    USER_NOT_ALLOWED("user-not-allowed"),
    EMAIL_NOT_ALLOWED("email-not-allowed"),
    CLAIM_MISMATCH("claim-mismatch"),
    /** The token grants none of the scopes the rule asks for (answered with RFC 6750's insufficient_scope). */
    SCOPE_MISSING("scope-missing"),
    METHOD_NOT_ALLOWED("method-not-allowed"),
    PATH_NOT_ALLOWED("path-not-allowed"),
    NOT_AUTHENTICATED("not-authenticated"),
    /**
     * The caller's user name, e-mail or a group cannot be sent to the upstream exactly in its identity header,
     * and that header is set to refuse such values ({@code identityHeaders.encoding}).
     */
    IDENTITY_UNREPRESENTABLE("identity-unrepresentable"),

    // enrichment
    /** The catalog did not answer (down, slow, malformed) and no last-known-good answer is recent enough. */
    CATALOG_UNAVAILABLE("catalog-unavailable"),
    /** The caller has no User entity in the catalog, and {@code catalog.unknownUser} is {@code deny}. */
    USER_NOT_IN_CATALOG("user-not-in-catalog"),

    // edge and proxy
    NO_ROUTE("no-route"),
    CATALOG_ROUTE_REJECTED("catalog-route-rejected"),
    CONFIG_REJECTED("config-rejected"),
    ROUTE_STOPPED("route-stopped"),
    /** The request body is larger than the route's or the listener's limit. */
    BODY_TOO_LARGE("body-too-large"),
    /** The listener does not serve the method at all (CONNECT, TRACE), whatever the route. */
    METHOD_REJECTED("method-rejected"),
    BAD_REQUEST("bad-request"),
    /** The request line (method and target) is longer than the listener reads. */
    URI_TOO_LONG("uri-too-long"),
    /** The request's header lines are larger than the listener reads. */
    HEADERS_TOO_LARGE("headers-too-large"),
    /** The request names an HTTP version other than 1.0 or 1.1. */
    HTTP_VERSION_NOT_SUPPORTED("http-version-not-supported"),
    PATH_REJECTED("path-rejected"),
    UPSTREAM_UNREACHABLE("upstream-unreachable"),
    UPSTREAM_TIMEOUT("upstream-timeout"),
    UPSTREAM_RESET("upstream-reset"),
    /** The upstream's response head cannot be passed on: a status outside 100-599, a control in a header value. */
    UPSTREAM_INVALID("upstream-invalid"),
    UPSTREAM_UNAVAILABLE("upstream-unavailable"),
    CLIENT_ABORTED("client-aborted"),
    /** The end of an upgraded connection (WebSocket), closed by either side; its second audit record. */
    UPGRADE_CLOSED("upgrade-closed"),
    /** The audit sink was behind or failing and {@code audit.whenBehind} is {@code refuse}. */
    AUDIT_BEHIND("audit-behind"),
    /** The client sent its request head or body too slowly (server.timeouts). */
    CLIENT_TIMEOUT("client-timeout"),
    /** Over TLS, the request names another host than the server name (SNI) the connection was opened for. */
    MISDIRECTED_REQUEST("misdirected-request"),
    /** A decision endpoint ({@code drawbridge:decide}) was asked by a peer outside {@code server.trustedProxies}. */
    UNTRUSTED_FRONT("untrusted-front"),
    // front-door features (cors, rate limits)
    CORS_REFUSED("cors-refused"),
    RATE_LIMITED("rate-limited"),
    INTERNAL_ERROR("internal-error"),

    // access requests
    /** The access store (requests and grants) did not answer: new requests and decisions wait for it (503). */
    ACCESS_STORE_UNAVAILABLE("access-store-unavailable"),

    // MCP routes (the Model Context Protocol)
    /** A {@code tools/call} for a tool no rule lets this caller call. */
    MCP_TOOL_NOT_ALLOWED("mcp-tool-not-allowed"),
    /** A JSON-RPC method no rule lets this caller use. */
    MCP_METHOD_NOT_ALLOWED("mcp-method-not-allowed"),
    /** The body of a request to an MCP route is not JSON-RPC the gateway can judge (or a batch too long). */
    MCP_REQUEST_INVALID("mcp-request-invalid"),

    // access requests (io.drawbridge.access): refusals of the API, then the events the audit log records
    /** The route's policy has no {@code request} section, or there is no such route. */
    ACCESS_NOT_REQUESTABLE("access-not-requestable"),
    /** The requester tried to approve their own request. */
    ACCESS_SELF_APPROVAL("access-self-approval"),
    /** The caller is not an approver of the request's route at this moment (fresh catalog look-up). */
    ACCESS_NOT_APPROVER("access-not-approver"),
    /** An open request for this route exists already, or the request is no longer pending (a replayed decision). */
    ACCESS_REQUEST_CONFLICT("access-request-conflict"),
    /** The caller has {@code access.maxOpenPerUser} open requests already. */
    ACCESS_TOO_MANY_REQUESTS("access-too-many-requests"),
    /** The duration asked for or granted is longer than the policy's {@code request.maxDuration}. */
    ACCESS_DURATION_EXCEEDED("access-duration-exceeded"),
    /** The policy's {@code request.reason} is required and the request gives none. */
    ACCESS_REASON_REQUIRED("access-reason-required"),
    /** A state-changing call came from another site: neither a bearer token nor a same-origin browser request. */
    ACCESS_CROSS_SITE("access-cross-site"),
    /** No such request or grant, or not one the caller may see. */
    ACCESS_NOT_FOUND("access-not-found"),
    /** The call is malformed: not JSON, a duration that is no duration, an unknown action. */
    ACCESS_INVALID("access-invalid"),
    /** A stream opened under a grant was cut: the grant ended or was revoked. */
    GRANT_ENDED("grant-ended"),
    ACCESS_REQUESTED("access-requested"),
    ACCESS_APPROVED("access-approved"),
    ACCESS_REJECTED("access-rejected"),
    ACCESS_EXPIRED("access-expired"),
    ACCESS_REVOKED("access-revoked"),
    ACCESS_WITHDRAWN("access-withdrawn");

    private final String code;

    Reason(String code) {
        this.code = code;
    }

    /** The stable kebab-case code written to audit records. */
    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return code;
    }
}
