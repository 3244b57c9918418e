package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a policy's {@code request} section compiles to: who may approve a grant, how long one may last, and what a
 * grant admits its holder to. Pure: the grant itself is looked up by the authorize step, which asks
 * {@link #admits} only after the policy's own rules refused the caller.
 *
 * <p>A grant never overrides a deny rule, an unauthenticated caller, a missing policy or a request the gateway
 * cannot judge: it stands in only for the allow rules the caller failed ({@link #ELIGIBLE}).
 */
public final class Requestable {

    /** Approvers value: the catalog owner of the route's entity. */
    public static final String OWNERS = "owners";

    /** The refusals a grant may turn into an admission: an allow rule failed, nothing else. */
    static final Set<Reason> ELIGIBLE = EnumSet.of(Reason.NO_RULE_MATCHED, Reason.GROUP_MISSING,
            Reason.USER_NOT_ALLOWED, Reason.EMAIL_NOT_ALLOWED, Reason.CLAIM_MISMATCH, Reason.METHOD_NOT_ALLOWED,
            Reason.PATH_NOT_ALLOWED);

    private final List<String> approvers;
    private final Duration maxDuration;
    private final Duration defaultDuration;
    private final boolean reasonRequired;
    private final String catalog;
    private final Rule[] scope;

    Requestable(List<String> approvers, Duration maxDuration, Duration defaultDuration, boolean reasonRequired,
                String catalog, List<Rule> scope) {
        this.approvers = List.copyOf(approvers);
        this.maxDuration = maxDuration;
        this.defaultDuration = defaultDuration;
        this.reasonRequired = reasonRequired;
        this.catalog = catalog;
        this.scope = scope.toArray(Rule[]::new);
    }

    /** {@code owners}, {@code group:ns/name} or {@code user:ns/name} refs, lower case, in configured order. */
    public List<String> approvers() {
        return approvers;
    }

    public Duration maxDuration() {
        return maxDuration;
    }

    public Duration defaultDuration() {
        return defaultDuration;
    }

    public boolean reasonRequired() {
        return reasonRequired;
    }

    /** The catalog entity whose owner {@code owners} means, or {@code null}: the entity that declares the route. */
    public String catalog() {
        return catalog;
    }

    /**
     * Whether a grant holder is admitted to this request, which the policy's own rules refused with
     * {@code refusal}: only when an allow rule failed (never a deny rule, never an unauthenticated caller), and
     * only for the methods and paths the requestable rules name.
     */
    public boolean admits(Decision refusal, RequestFacts request, Identity identity) {
        if (refusal.allowed() || identity == null || !ELIGIBLE.contains(refusal.reason())) {
            return false;
        }
        for (Rule rule : scope) {
            if (rule.matches(request, identity)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a refused caller is offered a request: when an allow rule failed, not when a deny rule matched. */
    public boolean offeredFor(Reason refusal) {
        return ELIGIBLE.contains(refusal);
    }

    /** The requestable rules, for explanations: {@code method in [GET]}, ... */
    public List<String> scope() {
        return Arrays.stream(scope).map(Rule::toString).toList();
    }
}
