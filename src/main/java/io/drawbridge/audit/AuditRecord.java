package io.drawbridge.audit;

import io.drawbridge.Outcome;
import io.drawbridge.identity.Identity;
import java.time.Instant;
import java.util.List;

/**
 * One decision, as written to the audit sink: built when the decision is made, completed with the status and
 * duration when the response ends. Holds no token, cookie or secret; values that come from the client (path,
 * user agent) are kept as data and escaped by the serializer, never interpreted.
 *
 * @param time       when the request arrived
 * @param requestId  the id the client also received in {@code X-Request-Id}
 * @param decision   allow, deny or error (written as {@code allow}, {@code deny} or {@code error})
 * @param reason     the stable reason code (see {@code Reason})
 * @param detail     a short explanation (rule that matched, criterion that failed), or {@code null}
 * @param subject    the caller's user name, or {@code null} when unauthenticated (written as null, always present)
 * @param issuer     the trusted issuer's name, or {@code null}
 * @param clientId   the OAuth client of the token, or {@code null}
 * @param groups     the caller's groups as the policy saw them
 * @param route      the Camel route id, or {@code null} when no route matched
 * @param policy     the policy evaluated, or {@code null}
 * @param method     the request method
 * @param path       the normalized request path (no query: queries may hold secrets)
 * @param host       the request host
 * @param status     the status sent to the client
 * @param clientIp   the client address (from a trusted proxy's {@code X-Forwarded-For} when configured)
 * @param upstream   the upstream's origin ({@code http://host:port}), or {@code null} when not proxied
 * @param durationMs time from request head to the end of the response
 * @param bytesIn    request body bytes forwarded
 * @param bytesOut   response body bytes sent
 * @param userAgent  the client's {@code User-Agent}, cut to 256 characters
 * @param catalog    how the caller's catalog roles were found: {@code fresh}, {@code cached}, {@code stale:<n>s},
 *                   {@code not-in-catalog}, {@code unavailable}; {@code null} when the route does not enrich
 * @param traceId    the W3C trace id the request ran under (the caller's, or one the gateway started), or
 *                   {@code null} for events that are not requests
 * @param instance   the gateway instance that wrote the record ({@code audit.instance}); stamped by the sink, so
 *                   {@code null} until then
 * @param target     the request target as the client sent it, before any normalization, without its query (which
 *                   may hold secrets), cut to {@value #MAX_TARGET} characters; {@code null} for events that are
 *                   not requests. What {@code path} was normalized from, for investigations
 * @param email      the caller's e-mail as {@code emails} rules see it, or {@code null} when the caller has none or
 *                   its issuer marks it unverified ({@code email_verified: false}, which no such rule accepts); kept
 *                   so that {@code drawbridge diff} can replay {@code emails} rules
 * @param mcpMethod  on an MCP route, the JSON-RPC method of the request's (first) call; {@code null} elsewhere
 * @param mcpTool    for {@code tools/call}, the tool's name; {@code null} otherwise
 * @param mcpArguments the call's arguments as JSON, only when {@code audit.mcpArguments} is on (they may hold
 *                   anything the agent sends); {@code null} otherwise
 * @param cache      on a route with a cache ({@code drawbridge:proxy?cache=true}), what it did: {@code hit},
 *                   {@code miss}, {@code stale} or {@code bypass}; {@code null} elsewhere
 * @param grant      for a request admitted by an access grant ({@code grant-active}), that grant; else {@code null}
 * @param access     for an access-request event ({@code access-requested}, {@code access-approved}, ...), what
 *                   happened to which request; else {@code null}
 */
public record AuditRecord(
        Instant time,
        String requestId,
        Outcome decision,
        String reason,
        String detail,
        String subject,
        String issuer,
        String clientId,
        List<String> groups,
        String route,
        String policy,
        String method,
        String path,
        String host,
        int status,
        String clientIp,
        String upstream,
        long durationMs,
        long bytesIn,
        long bytesOut,
        String userAgent,
        String catalog,
        String traceId,
        String instance,
        String target,
        String email,
        String mcpMethod,
        String mcpTool,
        String mcpArguments,
        String cache,
        Grant grant,
        Access access) {

    /**
     * The grant that admitted a request.
     *
     * @param id         the grant's id
     * @param approvedBy who approved it (their user name)
     * @param endsAt     when it stops admitting
     */
    public record Grant(String id, String approvedBy, Instant endsAt) {
    }

    /**
     * An access-request event. The record's {@code subject} is who acted, its {@code route} the route asked for.
     *
     * @param request   the request's id
     * @param requester who asked (user name)
     * @param duration  the duration asked for, or granted on approval (ISO-8601, {@code PT1H})
     * @param reason    the requester's reason, as data (escaped by the serializer)
     * @param approver  who approved, rejected or revoked, or {@code null}
     * @param grant     the grant's id, on approval and revocation; else {@code null}
     */
    public record Access(String request, String requester, String duration, String reason, String approver,
                         String grant) {
    }

    /** A record without a cache, a grant or access-request facts. */
    public AuditRecord(Instant time, String requestId, Outcome decision, String reason, String detail, String subject,
                       String issuer, String clientId, List<String> groups, String route, String policy,
                       String method, String path, String host, int status, String clientIp, String upstream,
                       long durationMs, long bytesIn, long bytesOut, String userAgent, String catalog,
                       String traceId, String instance, String target, String email, String mcpMethod,
                       String mcpTool, String mcpArguments) {
        this(time, requestId, decision, reason, detail, subject, issuer, clientId, groups, route, policy, method, path,
                host, status, clientIp, upstream, durationMs, bytesIn, bytesOut, userAgent, catalog, traceId, instance,
                target, email, mcpMethod, mcpTool, mcpArguments, null, null, null);
    }

    /** A record of a request to a route that is not an MCP route. */
    public AuditRecord(Instant time, String requestId, Outcome decision, String reason, String detail, String subject,
                       String issuer, String clientId, List<String> groups, String route, String policy,
                       String method, String path, String host, int status, String clientIp, String upstream,
                       long durationMs, long bytesIn, long bytesOut, String userAgent, String catalog,
                       String traceId, String instance, String target, String email) {
        this(time, requestId, decision, reason, detail, subject, issuer, clientId, groups, route, policy, method, path,
                host, status, clientIp, upstream, durationMs, bytesIn, bytesOut, userAgent, catalog, traceId, instance,
                target, email, null, null, null);
    }

    /** The longest raw target kept, in characters; longer ones are cut and end in {@code ...}. */
    public static final int MAX_TARGET = 1024;

    /** A record of a caller whose e-mail is not known (events, records written before it was kept). */
    public AuditRecord(Instant time, String requestId, Outcome decision, String reason, String detail, String subject,
                       String issuer, String clientId, List<String> groups, String route, String policy,
                       String method, String path, String host, int status, String clientIp, String upstream,
                       long durationMs, long bytesIn, long bytesOut, String userAgent, String catalog,
                       String traceId, String instance, String target) {
        this(time, requestId, decision, reason, detail, subject, issuer, clientId, groups, route, policy, method, path,
                host, status, clientIp, upstream, durationMs, bytesIn, bytesOut, userAgent, catalog, traceId, instance,
                target, null);
    }

    /** A record with the instance, before the raw target is known. */
    public AuditRecord(Instant time, String requestId, Outcome decision, String reason, String detail, String subject,
                       String issuer, String clientId, List<String> groups, String route, String policy,
                       String method, String path, String host, int status, String clientIp, String upstream,
                       long durationMs, long bytesIn, long bytesOut, String userAgent, String catalog,
                       String traceId, String instance) {
        this(time, requestId, decision, reason, detail, subject, issuer, clientId, groups, route, policy, method, path,
                host, status, clientIp, upstream, durationMs, bytesIn, bytesOut, userAgent, catalog, traceId, instance,
                null);
    }

    /** A record before the sink stamps the instance on it. */
    public AuditRecord(Instant time, String requestId, Outcome decision, String reason, String detail, String subject,
                       String issuer, String clientId, List<String> groups, String route, String policy,
                       String method, String path, String host, int status, String clientIp, String upstream,
                       long durationMs, long bytesIn, long bytesOut, String userAgent, String catalog,
                       String traceId) {
        this(time, requestId, decision, reason, detail, subject, issuer, clientId, groups, route, policy, method, path,
                host, status, clientIp, upstream, durationMs, bytesIn, bytesOut, userAgent, catalog, traceId, null);
    }

    /** An event outside any trace (a refused reload, a catalog route change). */
    public AuditRecord(Instant time, String requestId, Outcome decision, String reason, String detail, String subject,
                       String issuer, String clientId, List<String> groups, String route, String policy,
                       String method, String path, String host, int status, String clientIp, String upstream,
                       long durationMs, long bytesIn, long bytesOut, String userAgent, String catalog) {
        this(time, requestId, decision, reason, detail, subject, issuer, clientId, groups, route, policy, method, path,
                host, status, clientIp, upstream, durationMs, bytesIn, bytesOut, userAgent, catalog, null, null);
    }

    /** This record as written by {@code instance}. */
    public AuditRecord withInstance(String instance) {
        return new AuditRecord(time, requestId, decision, reason, detail, subject, issuer, clientId, groups, route,
                policy, method, path, host, status, clientIp, upstream, durationMs, bytesIn, bytesOut, userAgent,
                catalog, traceId, instance, target, email, mcpMethod, mcpTool, mcpArguments, cache, grant, access);
    }

    /** This record with the MCP call it was about. */
    public AuditRecord withMcp(String mcpMethod, String mcpTool, String mcpArguments) {
        return new AuditRecord(time, requestId, decision, reason, detail, subject, issuer, clientId, groups, route,
                policy, method, path, host, status, clientIp, upstream, durationMs, bytesIn, bytesOut, userAgent,
                catalog, traceId, instance, target, email, mcpMethod, mcpTool, mcpArguments, cache, grant, access);
    }

    /** This record with what the route's cache did. */
    public AuditRecord withCache(String cache) {
        return new AuditRecord(time, requestId, decision, reason, detail, subject, issuer, clientId, groups, route,
                policy, method, path, host, status, clientIp, upstream, durationMs, bytesIn, bytesOut, userAgent,
                catalog, traceId, instance, target, email, mcpMethod, mcpTool, mcpArguments, cache, grant, access);
    }

    /** This record with the raw request target: its query removed and cut to {@link #MAX_TARGET} characters. */
    public AuditRecord withTarget(String raw) {
        String kept = raw;
        if (kept != null) {
            int q = kept.indexOf('?');
            kept = q >= 0 ? kept.substring(0, q) : kept;
            kept = kept.length() <= MAX_TARGET ? kept : kept.substring(0, MAX_TARGET) + "...";
        }
        return new AuditRecord(time, requestId, decision, reason, detail, subject, issuer, clientId, groups, route,
                policy, method, path, host, status, clientIp, upstream, durationMs, bytesIn, bytesOut, userAgent,
                catalog, traceId, instance, kept, email, mcpMethod, mcpTool, mcpArguments, cache, grant, access);
    }

    /** This record with the grant that admitted the request. */
    public AuditRecord withGrant(Grant admittedBy) {
        return new AuditRecord(time, requestId, decision, reason, detail, subject, issuer, clientId, groups, route,
                policy, method, path, host, status, clientIp, upstream, durationMs, bytesIn, bytesOut, userAgent,
                catalog, traceId, instance, target, email, mcpMethod, mcpTool, mcpArguments, cache, admittedBy, access);
    }

    /** This record as an access-request event. */
    public AuditRecord withAccess(Access event) {
        return new AuditRecord(time, requestId, decision, reason, detail, subject, issuer, clientId, groups, route,
                policy, method, path, host, status, clientIp, upstream, durationMs, bytesIn, bytesOut, userAgent,
                catalog, traceId, instance, target, email, mcpMethod, mcpTool, mcpArguments, cache, grant, event);
    }

    /** The longest {@code User-Agent} kept, in characters. */
    public static final int MAX_USER_AGENT = 256;

    /** The record of a finished request: the caller's identity in its fields, long client values cut. */
    public static AuditRecord of(RequestOutcome o) {
        Identity identity = o.identity();
        String userAgent = o.userAgent();
        if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
            userAgent = userAgent.substring(0, MAX_USER_AGENT);
        }
        return new AuditRecord(o.time(), o.requestId(), o.outcome(), o.reason().code(), o.detail(),
                identity == null ? null : identity.user(),
                identity == null ? null : identity.issuer(),
                identity == null ? null : identity.clientId(),
                identity == null ? List.of() : List.copyOf(identity.groups()),
                o.route(), o.policy(), o.method(), o.path(), o.host(), o.status(), o.clientIp(), o.upstream(),
                o.durationMs(), o.bytesIn(), o.bytesOut(), userAgent, o.catalog(), o.traceId(),
                null, // the instance: stamped by the sink
                null, // the raw target: set just below, cut and without its query
                identity == null ? null : identity.verifiedEmail(),
                o.mcpMethod(), o.mcpTool(), o.mcpArguments(), o.cache(), o.grant(), null)
                .withTarget(o.target());
    }
}
