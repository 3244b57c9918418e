package io.drawbridge.route;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.access.Grant;
import io.drawbridge.access.GrantLookup;
import io.drawbridge.audit.AuditRecord;
import io.drawbridge.edge.ClientRequest;
import io.drawbridge.edge.McpRequest;
import io.drawbridge.edge.StreamPermit;
import io.drawbridge.identity.Identity;
import io.drawbridge.limit.RateLimited;
import io.drawbridge.limit.RateLimiter;
import io.drawbridge.policy.AccessDenied;
import io.drawbridge.policy.Decision;
import io.drawbridge.policy.McpCall;
import io.drawbridge.policy.Policies;
import io.drawbridge.policy.PolicyEvaluator;
import io.drawbridge.policy.RateLimit;
import io.drawbridge.policy.RequestFacts;
import io.drawbridge.policy.RoutePolicy;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The route step that applies a policy ({@code drawbridge:authorize?policy=name}); without a name, the policy
 * named like the route. No policy found means deny: a route nobody wrote a policy for lets nobody in. A request
 * the policy lets in is then counted against the policy's rate limit, if it has one.
 */
public final class AuthorizeStep implements Processor {

    private final String policyName;
    private final Supplier<Policies> policies;

    private final RoutePolicy fixed;
    private final RateLimiter limits;
    private final GrantLookup grants;

    public AuthorizeStep(String policyName, Supplier<Policies> policies, RateLimiter limits) {
        this(policyName, policies, limits, null);
    }

    /** @param grants the active grants of access requests, or {@code null} when the gateway keeps none */
    public AuthorizeStep(String policyName, Supplier<Policies> policies, RateLimiter limits, GrantLookup grants) {
        this.policyName = policyName;
        this.policies = policies;
        this.fixed = null;
        this.limits = limits;
        this.grants = grants;
    }

    /** A step with its own policy, for routes the gateway builds itself (catalog-declared routes). */
    public AuthorizeStep(RoutePolicy policy) {
        this.policyName = policy.name();
        this.policies = null;
        this.fixed = policy;
        this.limits = null;
        this.grants = null;
    }

    @Override
    public void process(Exchange exchange) {
        RequestFacts facts = exchange.getProperty(ExchangeKeys.REQUEST_FACTS, RequestFacts.class);
        if (facts == null) {
            throw new IllegalStateException("drawbridge:authorize must follow a gateway: listener");
        }
        String name = policyName != null ? policyName : exchange.getFromRouteId();
        RoutePolicy policy = fixed != null ? fixed : name == null ? RoutePolicy.NONE : policies.get().get(name);
        Identity identity = exchange.getProperty(ExchangeKeys.IDENTITY, Identity.class);
        Decision decision = PolicyEvaluator.evaluate(policy, facts, identity);
        String invalid = exchange.getProperty(ExchangeKeys.MCP_INVALID, String.class);
        if (invalid != null) { // a body the gateway cannot judge is never passed, whatever the policy says
            decision = Decision.deny(Reason.MCP_REQUEST_INVALID, policy.name(), null, invalid);
        }
        McpRequest mcp = exchange.getProperty(ExchangeKeys.MCP_REQUEST, McpRequest.class);
        if (mcp != null && invalid == null) {
            decision = mcpDecision(policy, facts, identity, mcp, decision);
            exchange.setProperty(ExchangeKeys.MCP_CALL_REFUSED, !decision.allowed() && admitted(policy, facts, identity));
        }
        if (!decision.allowed() && grants != null && policy.requestable() != null && identity != null
                && invalid == null && (mcp == null || mcp.calls().size() == 1)) {
            decision = withGrant(exchange, policy, facts, identity, decision);
        }
        exchange.setProperty(ExchangeKeys.DECISION, decision);
        exchange.setProperty(ExchangeKeys.POLICY, policy);
        if (!decision.proceeds()) {
            exchange.setException(new AccessDenied(decision));
            return;
        }
        RateLimit limit = policy.limit();
        if (limit != null && limits != null && policy.enforced()) {
            try {
                limits.take(exchange.getFromRouteId(), caller(identity, exchange), limit);
            } catch (RateLimited refused) {
                exchange.setException(refused);
            }
        }
    }

    /**
     * After the policy's own rules refused the caller: an active grant for this route admits them, for what the
     * policy's requestable rules name; the grant is kept for the audit record, and a stream opened under it ends
     * when the grant ends or is revoked.
     */
    private Decision withGrant(Exchange exchange, RoutePolicy policy, RequestFacts facts, Identity identity,
                               Decision refusal) {
        String route = exchange.getProperty(ExchangeKeys.ROUTE_ID, exchange.getFromRouteId(), String.class);
        Optional<Grant> found = grants.find(route, identity.issuer(), identity.subject());
        if (found.isEmpty()) {
            return refusal;
        }
        Decision decision = policy.withGrant(refusal, facts, identity);
        if (decision == refusal) {
            return refusal;
        }
        Grant grant = found.get();
        // the audit stage's own type, so the edge reports the grant without depending on access/
        exchange.setProperty(ExchangeKeys.GRANT, new AuditRecord.Grant(grant.id(), grant.approvedBy(), grant.endsAt()));
        StreamPermit credential = exchange.getProperty(ExchangeKeys.STREAM_PERMIT, StreamPermit.class);
        StreamPermit.Ended over = new StreamPermit.Ended(Reason.GRANT_ENDED, "grant " + grant.id() + " ended");
        exchange.setProperty(ExchangeKeys.STREAM_PERMIT, (StreamPermit) now -> {
            StreamPermit.Ended ended = credential == null ? null : credential.ended(now);
            if (ended != null) {
                return ended;
            }
            if (!now.isBefore(grant.endsAt())) {
                return over;
            }
            Optional<Grant> still = grants.find(route, identity.issuer(), identity.subject());
            return still.isPresent() && still.get().id().equals(grant.id()) ? null : over;
        });
        return decision;
    }

    /** Who is counted: the subject per issuer, or for anonymous callers of a public route, their address. */
    private static String caller(Identity identity, Exchange exchange) {
        if (identity != null) {
            return "sub:" + identity.issuer() + " " + identity.subject();
        }
        ClientRequest request = exchange.getProperty(ExchangeKeys.CLIENT_REQUEST, ClientRequest.class);
        return "ip:" + (request == null ? "unknown" : request.clientIp());
    }

    /** A batch is judged call by call, and the first call denied decides: one forbidden call refuses them all. */
    private static Decision mcpDecision(RoutePolicy policy, RequestFacts facts, Identity identity, McpRequest mcp,
                                        Decision first) {
        for (int i = 1; i < mcp.calls().size() && first.allowed(); i++) {
            Decision next = PolicyEvaluator.evaluate(policy, facts.withMcp(mcp.calls().get(i)), identity);
            if (!next.allowed()) {
                return next;
            }
        }
        return first;
    }

    /** Whether the policy admits the caller to the MCP route at all (discovery), whatever the call. */
    private static boolean admitted(RoutePolicy policy, RequestFacts facts, Identity identity) {
        return PolicyEvaluator.evaluate(policy, facts.withMcp(McpCall.NO_CALL), identity).allowed();
    }
}
