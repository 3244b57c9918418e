package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One compiled allow or deny rule: it matches when every criterion holds. It carries the decisions it can lead
 * to, built once, so that evaluating a request allocates nothing.
 */
public final class Rule {

    private final String name;
    private final Criterion[] criteria;
    final Decision matched;    // allow: rule-matched; deny: deny-rule-matched
    final Decision[] failures; // per criterion: the denial when this is the only allow rule and that criterion fails

    Rule(String name, List<Criterion> criteria, boolean deny, String policy, boolean enforced) {
        this.name = name;
        this.criteria = criteria.toArray(Criterion[]::new);
        this.matched = deny
                ? new Decision(false, Reason.DENY_RULE_MATCHED, policy, name, "deny rule " + name + " matched", enforced)
                : new Decision(true, Reason.RULE_MATCHED, policy, name, null, enforced);
        this.failures = Stream.of(this.criteria)
                .map(c -> new Decision(false, c.failure(), policy, null, name + " requires " + c.requirement(), enforced,
                        c instanceof ScopeCriterion scope ? scope.scopes() : List.of()))
                .toArray(Decision[]::new);
    }

    /** The configured name, or {@code allow[0]}, {@code deny[1]}, ... */
    public String name() {
        return name;
    }

    /** The compiled criteria, in the order they are tested; for explanations. */
    List<Criterion> criteria() {
        return List.of(criteria);
    }

    boolean matches(RequestFacts request, Identity identity) {
        return firstFailure(request, identity) < 0;
    }

    /** The index of the first criterion that does not hold, or -1 when the rule matches. */
    int firstFailure(RequestFacts request, Identity identity) {
        for (int i = 0; i < criteria.length; i++) {
            if (!criteria[i].test(request, identity)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return name + ": " + Stream.of(criteria).map(Criterion::requirement).collect(Collectors.joining(", "));
    }
}
