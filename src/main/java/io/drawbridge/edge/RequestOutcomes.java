package io.drawbridge.edge;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.audit.AuditRecord;
import io.drawbridge.audit.RequestOutcome;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Decision;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;

/** What the edge hands to the audit stage when a request ends: its state, read once, as a public value. */
final class RequestOutcomes {

    private RequestOutcomes() {
    }

    /** The outcome's detail, and why an upgrade was dropped when one was (the app's answer rarely says). */
    private static String detail(ClientRequest request) {
        String outcome = request.outcomeDetail();
        String dropped = request.upgradeDropped();
        return dropped == null ? outcome : outcome == null ? dropped : outcome + "; " + dropped;
    }

    static RequestOutcome of(ClientRequest request) {
        Exchange exchange = request.exchange();
        Identity identity = exchange == null ? null : exchange.getProperty(ExchangeKeys.IDENTITY, Identity.class);
        Decision decision = exchange == null ? null : exchange.getProperty(ExchangeKeys.DECISION, Decision.class);
        McpRequest mcp = exchange == null ? null : exchange.getProperty(ExchangeKeys.MCP_REQUEST, McpRequest.class);
        AuditRecord.Grant grant = exchange == null ? null
                : exchange.getProperty(ExchangeKeys.GRANT, AuditRecord.Grant.class);
        boolean withArguments = mcp != null && request.connection() != null
                && request.connection().listener().auditsMcpArguments();
        return new RequestOutcome(
                request.startTime(),
                request.requestId(),
                request.outcome(),
                request.outcomeReason(),
                detail(request),
                identity,
                request.routeId(),
                decision == null ? null : decision.policy(),
                request.method(),
                request.target().path(),
                request.host(),
                request.status(),
                request.clientIp(),
                exchange == null ? null : exchange.getProperty(ExchangeKeys.UPSTREAM, String.class),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - request.startNanos()),
                request.bytesIn(),
                request.bytesOut(),
                request.head().headers().get("User-Agent"),
                exchange == null ? null : exchange.getProperty(ExchangeKeys.CATALOG, String.class),
                request.span() == null ? null : request.span().getSpanContext().getTraceId(),
                request.head().uri(),
                mcp == null ? null : mcp.first().method(),
                mcp == null ? null : mcp.first().tool(),
                withArguments ? mcp.arguments() : null,
                exchange == null ? null : exchange.getProperty(ExchangeKeys.CACHE, String.class),
                grant);
    }
}
