package io.drawbridge.policy;

import io.drawbridge.identity.Identity;
import java.util.ArrayList;
import java.util.List;

/**
 * Explains a decision: {@link PolicyEvaluator}'s decision, plus every rule and criterion tested in full. Pure, like
 * the evaluator; it allocates, so it runs only for refusal pages and for operators asking, never per request.
 */
public final class PolicyExplainer {

    private PolicyExplainer() {
    }

    /** @param identity the caller, or {@code null} when unauthenticated (then no rule is tested) */
    public static Explanation explain(RoutePolicy policy, RequestFacts request, Identity identity) {
        RoutePolicy p = policy == null ? RoutePolicy.NONE : policy;
        Decision decision = PolicyEvaluator.evaluate(p, request, identity);
        List<Explanation.RuleCheck> deny = new ArrayList<>();
        List<Explanation.RuleCheck> allow = new ArrayList<>();
        if (identity != null && p.fixed == null) {
            for (Rule rule : p.deny) {
                deny.add(check(rule, true, request, identity));
            }
            for (Rule rule : p.allow) {
                allow.add(check(rule, false, request, identity));
            }
        }
        return new Explanation(decision, p.name(), p.isPublic(), p.explain(), deny, allow);
    }

    private static Explanation.RuleCheck check(Rule rule, boolean deny, RequestFacts request, Identity identity) {
        List<Explanation.CriterionCheck> criteria = new ArrayList<>();
        boolean matched = true;
        for (Criterion criterion : rule.criteria()) {
            boolean holds = criterion.test(request, identity);
            matched &= holds;
            criteria.add(new Explanation.CriterionCheck(criterion.requirement(), criterion.words(),
                    criterion.have(request, identity), holds, criterion.failure()));
        }
        return new Explanation.RuleCheck(rule.name(), deny, matched, criteria);
    }
}
