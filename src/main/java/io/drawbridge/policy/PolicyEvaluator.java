package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;

import java.util.Objects;

/**
 * Decides one request: a pure function of the policy, the request and the caller, which allocates nothing (every
 * decision it returns was built when the policy was compiled).
 *
 * <ol>
 *   <li>A public policy allows everyone ({@link Reason#PUBLIC_ROUTE}); {@link RoutePolicy#NONE} denies everyone
 *       ({@link Reason#NO_POLICY}).</li>
 *   <li>Without an identity: denied, {@link Reason#NOT_AUTHENTICATED}.</li>
 *   <li>A matching deny rule denies ({@link Reason#DENY_RULE_MATCHED}): deny wins.</li>
 *   <li>The first matching allow rule allows ({@link Reason#RULE_MATCHED}).</li>
 *   <li>Otherwise denied: with a single allow rule, for the first of its criteria that failed
 *       ({@link Reason#GROUP_MISSING}, ...); with several, {@link Reason#NO_RULE_MATCHED}.</li>
 * </ol>
 * In {@code audit-only} mode the decision is the same, with {@code enforced} false.
 */
public final class PolicyEvaluator {

    private PolicyEvaluator() {
    }

    /**
     * @param policy   the route's policy; {@code null} is taken as {@link RoutePolicy#NONE}
     * @param request  the normalized request, never {@code null}
     * @param identity the authenticated caller, or {@code null} when unauthenticated
     */
    public static Decision evaluate(RoutePolicy policy, RequestFacts request, Identity identity) {
        if (policy == null) {
            return RoutePolicy.NONE.fixed;
        }
        if (policy.fixed != null) {
            return policy.fixed;
        }
        Objects.requireNonNull(request, "request");
        if (identity == null) {
            return policy.notAuthenticated;
        }
        for (Rule rule : policy.deny) {
            if (rule.matches(request, identity)) {
                return rule.matched;
            }
        }
        Rule[] allow = policy.allow;
        if (allow.length == 1) {
            int failed = allow[0].firstFailure(request, identity);
            return failed < 0 ? allow[0].matched : allow[0].failures[failed];
        }
        for (Rule rule : allow) {
            if (rule.matches(request, identity)) {
                return rule.matched;
            }
        }
        return policy.noRuleMatched;
    }
}
