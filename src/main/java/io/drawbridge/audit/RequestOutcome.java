package io.drawbridge.audit;

import io.drawbridge.Outcome;
import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import java.time.Instant;

/**
 * What the edge saw of one finished request, handed to the audit stage as it is: the record is built from it by
 * {@link AuditRecord#of}, which decides what is kept and how it is cut. Values from the client are raw here.
 *
 * @param time         when the request arrived
 * @param requestId    the id the client also received
 * @param outcome      allow, deny or error
 * @param reason       why
 * @param detail       a short explanation, or {@code null}
 * @param identity     the caller as the stages established it, or {@code null} when unauthenticated
 * @param route        the route id, or {@code null} when no route matched
 * @param policy       the policy evaluated, or {@code null}
 * @param method       the request method
 * @param path         the normalized path
 * @param host         the request host
 * @param status       the status sent to the client
 * @param clientIp     the client address
 * @param upstream     the upstream's origin, or {@code null} when not proxied
 * @param durationMs   time from request head to now
 * @param bytesIn      request body bytes forwarded
 * @param bytesOut     response body bytes sent
 * @param userAgent    the client's {@code User-Agent} as sent, or {@code null}
 * @param catalog      how the catalog roles were found, or {@code null}
 * @param traceId      the W3C trace id, or {@code null}
 * @param target       the request target as sent, query included (the record drops it)
 * @param mcpMethod    on an MCP route, the JSON-RPC method of the first call; {@code null} elsewhere
 * @param mcpTool      for {@code tools/call}, the tool's name
 * @param mcpArguments the call's arguments as JSON when the listener audits them, else {@code null}
 * @param cache      what the route's asset cache did ({@code hit}, {@code miss}, {@code stale}, {@code bypass}), or
 *                   {@code null} on routes without one
 * @param grant      the access grant that admitted the request ({@code grant-active}), or {@code null}
 */
public record RequestOutcome(
        Instant time,
        String requestId,
        Outcome outcome,
        Reason reason,
        String detail,
        Identity identity,
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
        String target,
        String mcpMethod,
        String mcpTool,
        String mcpArguments,
        String cache,
        AuditRecord.Grant grant) {
}
