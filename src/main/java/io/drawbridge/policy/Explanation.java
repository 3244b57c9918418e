package io.drawbridge.policy;

import io.drawbridge.Reason;
import java.util.List;

/**
 * Why a policy decides as it does for one request: the decision itself, and every rule with each of its criteria
 * and whether it held. Made by {@link PolicyExplainer} for refusal pages and {@code drawbridge explain}; the
 * decision is always the one {@link PolicyEvaluator} makes.
 *
 * @param decision what the policy decides
 * @param policy   the policy's name, or {@code null} when the route has none
 * @param isPublic whether the policy lets everyone in
 * @param explain  how much the policy lets a refused caller see
 * @param deny     the deny rules, in order
 * @param allow    the allow rules, in order
 */
public record Explanation(Decision decision, String policy, boolean isPublic, Explain explain, List<RuleCheck> deny,
                          List<RuleCheck> allow) {

    public Explanation {
        deny = List.copyOf(deny);
        allow = List.copyOf(allow);
    }

    /**
     * One rule, every criterion tested (the evaluator stops at the first that fails).
     *
     * @param rule     its name
     * @param isDeny   a deny rule
     * @param matched  every criterion held
     * @param criteria the criteria, in order
     */
    public record RuleCheck(String rule, boolean isDeny, boolean matched, List<CriterionCheck> criteria) {

        public RuleCheck {
            criteria = List.copyOf(criteria);
        }
    }

    /**
     * One criterion of a rule.
     *
     * @param requirement what it asks for, as in audit records: {@code group in [sre]}
     * @param words       the same for people: {@code members of sre}
     * @param have        what the caller has of it, from the caller's own identity, or {@code null}
     * @param holds       whether it held for this request
     * @param failure     the reason code it denies with when it fails
     */
    public record CriterionCheck(String requirement, String words, String have, boolean holds, Reason failure) {
    }
}
