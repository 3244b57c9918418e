package io.drawbridge.edge;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.audit.AuditRecord;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Decision;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;

/** Builds the audit record of a finished request from what the edge saw and what the stages decided. */
final class AuditRecords {

    private static final int MAX_USER_AGENT = 256;

    private AuditRecords() {
    }

    /** The outcome's detail, and why an upgrade was dropped when one was (the app's answer rarely says). */
    private static String detail(ClientRequest request) {
        String outcome = request.outcomeDetail();
        String dropped = request.upgradeDropped();
        return dropped == null ? outcome : outcome == null ? dropped : outcome + "; " + dropped;
    }

    static AuditRecord of(ClientRequest request) {
        Exchange exchange = request.exchange();
        Identity identity = exchange == null ? null : exchange.getProperty(ExchangeKeys.IDENTITY, Identity.class);
        Decision decision = exchange == null ? null : exchange.getProperty(ExchangeKeys.DECISION, Decision.class);
        String upstream = exchange == null ? null : exchange.getProperty(ExchangeKeys.UPSTREAM, String.class);
        String route = request.routeId();
        String userAgent = request.head().headers().get("User-Agent");
        if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
            userAgent = userAgent.substring(0, MAX_USER_AGENT);
        }
        AuditRecord record = new AuditRecord(
                request.startTime(),
                request.requestId(),
                request.outcomeKind(),
                request.outcomeReason().code(),
                detail(request),
                identity == null ? null : identity.user(),
                identity == null ? null : identity.issuer(),
                identity == null ? null : identity.clientId(),
                identity == null ? List.of() : List.copyOf(identity.groups()),
                route,
                decision == null ? null : decision.policy(),
                request.method(),
                request.target().path(),
                request.host(),
                request.status(),
                request.clientIp(),
                upstream,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - request.startNanos()),
                request.bytesIn(),
                request.bytesOut(),
                userAgent,
                exchange == null ? null : exchange.getProperty(ExchangeKeys.CATALOG, String.class),
                request.span() == null ? null : request.span().getSpanContext().getTraceId(),
                null, // the instance: stamped by the sink
                null, // the raw target: set just below, cut and without its query
                identity == null ? null : identity.verifiedEmail())
                .withTarget(request.head().uri());
        io.drawbridge.access.Grant grant = exchange == null ? null
                : exchange.getProperty(ExchangeKeys.GRANT, io.drawbridge.access.Grant.class);
        if (grant != null) {
            record = record.withGrant(new AuditRecord.Grant(grant.id(), grant.approvedBy(), grant.endsAt()));
        }
        McpRequest mcp = exchange == null ? null : exchange.getProperty(ExchangeKeys.MCP_REQUEST, McpRequest.class);
        if (mcp == null) {
            return record;
        }
        boolean withArguments = request.connection() != null && request.connection().listener().auditsMcpArguments();
        return record.withMcp(mcp.first().method(), mcp.first().tool(), withArguments ? mcp.arguments() : null);
    }
}
