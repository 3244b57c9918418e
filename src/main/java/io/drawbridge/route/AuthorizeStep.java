package io.drawbridge.route;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.edge.McpRequest;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.McpCall;
import io.drawbridge.policy.AccessDenied;
import io.drawbridge.policy.Decision;
import io.drawbridge.policy.Policies;
import io.drawbridge.policy.PolicyEvaluator;
import io.drawbridge.policy.RequestFacts;
import io.drawbridge.policy.RoutePolicy;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The route step that applies a policy ({@code drawbridge:authorize?policy=name}); without a name, the policy
 * named like the route. No policy found means deny: a route nobody wrote a policy for lets nobody in.
 */
public final class AuthorizeStep implements Processor {

    private final String policyName;
    private final Supplier<Policies> policies;

    private final RoutePolicy fixed;

    public AuthorizeStep(String policyName, Supplier<Policies> policies) {
        this.policyName = policyName;
        this.policies = policies;
        this.fixed = null;
    }

    /** A step with its own policy, for routes the gateway builds itself (catalog-declared routes). */
    public AuthorizeStep(RoutePolicy policy) {
        this.policyName = policy.name();
        this.policies = null;
        this.fixed = policy;
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
        McpRequest mcp = exchange.getProperty(ExchangeKeys.MCP_REQUEST, McpRequest.class);
        if (mcp != null) {
            decision = mcpDecision(policy, facts, identity, mcp, decision);
            exchange.setProperty(ExchangeKeys.MCP_CALL_REFUSED, !decision.allowed() && admitted(policy, facts, identity));
        }
        exchange.setProperty(ExchangeKeys.DECISION, decision);
        if (!decision.proceeds()) {
            exchange.setException(new AccessDenied(decision));
        }
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
