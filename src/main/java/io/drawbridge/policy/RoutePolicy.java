package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import java.util.List;

/**
 * A policy compiled from {@link io.drawbridge.config.PolicyConfig} by {@link PolicyCompiler}: immutable, safe to
 * share between threads, evaluated by {@link PolicyEvaluator}. {@link #NONE} stands for a route without a policy,
 * so that nobody handles {@code null}: it denies every request with {@link Reason#NO_POLICY}.
 */
public final class RoutePolicy {

    /** No policy: every request is denied, enforced. */
    public static final RoutePolicy NONE = new RoutePolicy(null, false, true, List.of(), List.of(),
            Decision.deny(Reason.NO_POLICY, null, null, "no policy for this route"), Explain.REQUIREMENT, null, null);

    private final String name;
    private final boolean isPublic;
    private final boolean enforced;
    final Rule[] allow;
    final Rule[] deny;
    final Decision fixed; // when set, the decision for every request: public policies and NONE
    final Decision notAuthenticated;
    final Decision noRuleMatched;
    private final Explain explain;
    private final RateLimit limit;
    private final Requestable requestable;
    final Decision grantActive;

    private RoutePolicy(String name, boolean isPublic, boolean enforced, List<Rule> allow, List<Rule> deny,
                        Decision fixed, Explain explain, RateLimit limit, Requestable requestable) {
        this.name = name;
        this.requestable = requestable;
        this.grantActive = new Decision(true, Reason.GRANT_ACTIVE, name, "grant", null, enforced);
        this.explain = explain;
        this.limit = limit;
        this.isPublic = isPublic;
        this.enforced = enforced;
        this.allow = allow.toArray(Rule[]::new);
        this.deny = deny.toArray(Rule[]::new);
        this.fixed = fixed;
        this.notAuthenticated = new Decision(false, Reason.NOT_AUTHENTICATED, name, null,
                "policy requires an authenticated caller", enforced);
        this.noRuleMatched = new Decision(false, Reason.NO_RULE_MATCHED, name, null, allow.isEmpty()
                ? "policy has no allow rule"
                : "no allow rule matched: " + String.join(", ", allow.stream().map(Rule::name).limit(Criterion.LISTED)
                        .toList()) + (allow.size() > Criterion.LISTED ? ", ..." : ""), enforced);
    }

    static RoutePolicy open(String name, boolean enforced) {
        return new RoutePolicy(name, true, enforced, List.of(), List.of(),
                new Decision(true, Reason.PUBLIC_ROUTE, name, null, null, enforced), Explain.REQUIREMENT, null, null);
    }

    static RoutePolicy of(String name, boolean enforced, List<Rule> allow, List<Rule> deny) {
        return of(name, enforced, allow, deny, Explain.REQUIREMENT);
    }

    static RoutePolicy of(String name, boolean enforced, List<Rule> allow, List<Rule> deny, Explain explain) {
        return new RoutePolicy(name, false, enforced, allow, deny, null, explain, null, null);
    }

    /** The same policy with a rate limit per caller. */
    RoutePolicy limitedTo(RateLimit rateLimit) {
        return new RoutePolicy(name, isPublic, enforced, List.of(allow), List.of(deny), fixed, explain, rateLimit,
                requestable);
    }

    /** The same policy with access requests. */
    RoutePolicy requestableAs(Requestable request) {
        return new RoutePolicy(name, isPublic, enforced, List.of(allow), List.of(deny), fixed, explain, limit,
                request);
    }

    /** Whether and how a refused caller may ask for a grant ({@code request}), or {@code null}: no requests. */
    public Requestable requestable() {
        return requestable;
    }

    /**
     * The decision for a caller the policy's rules refused with {@code refusal} and who holds an active grant
     * for this route: {@link Reason#GRANT_ACTIVE} when the grant may stand in for the failed allow rules here
     * (see {@link Requestable#admits}), else {@code refusal} unchanged. Allocates nothing.
     */
    public Decision withGrant(Decision refusal, RequestFacts request, Identity identity) {
        return requestable != null && requestable.admits(refusal, request, identity) ? grantActive : refusal;
    }

    /** How often one caller may pass, or {@code null} for no limit. */
    public RateLimit limit() {
        return limit;
    }

    /** How much a refused caller is told ({@code explain: none | requirement | full}). */
    public Explain explain() {
        return explain;
    }

    /** The policy's name in configuration, or {@code null} for {@link #NONE}. */
    public String name() {
        return name;
    }

    /** Whether everyone may pass, without authentication. */
    public boolean isPublic() {
        return isPublic;
    }

    /** False in {@code audit-only} mode: decisions are recorded but let every request through. */
    public boolean enforced() {
        return enforced;
    }

    public List<Rule> allowRules() {
        return List.of(allow);
    }

    public List<Rule> denyRules() {
        return List.of(deny);
    }

    @Override
    public String toString() {
        return this == NONE ? "RoutePolicy.NONE" : "RoutePolicy[" + name + (isPublic ? ", public" : "")
                + (enforced ? "" : ", audit-only") + (limit == null ? "" : ", limit " + limit) + ", allow=" + allowRules() + ", deny=" + denyRules() + "]";
    }
}
