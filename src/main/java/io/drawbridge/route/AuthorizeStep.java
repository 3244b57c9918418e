package io.drawbridge.route;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.identity.Identity;
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
        exchange.setProperty(ExchangeKeys.DECISION, decision);
        exchange.setProperty(ExchangeKeys.POLICY, policy);
        if (!decision.proceeds()) {
            exchange.setException(new AccessDenied(decision));
        }
    }
}
