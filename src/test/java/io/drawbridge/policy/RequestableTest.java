package io.drawbridge.policy;

import io.drawbridge.Reason;
import org.junit.jupiter.api.Test;

import static io.drawbridge.policy.PolicyFixtures.alice;
import static io.drawbridge.policy.PolicyFixtures.policy;
import static io.drawbridge.policy.PolicyFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

/** What a grant stands in for: failed allow rules, for the requestable methods and paths, never a deny rule. */
class RequestableTest {

    private static final String SRE_READS = """
            allow: [{groups: [sre], methods: [GET], paths: ['/d/**']}]
            deny: [{users: [alice], paths: ['/admin/**']}]
            request: {approvers: ['group:default/sre']}
            """;

    private static Decision withGrant(RoutePolicy policy, String method, String path) {
        RequestFacts facts = request(method, path);
        Decision refusal = PolicyEvaluator.evaluate(policy, facts, alice());
        return policy.withGrant(refusal, facts, alice());
    }

    @Test
    void admitsAGrantHolderForWhatTheAllowRuleWouldGiveAMember() {
        Decision decision = withGrant(policy(SRE_READS), "GET", "/d/home");

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.reason()).isEqualTo(Reason.GRANT_ACTIVE);
        assertThat(decision.policy()).isEqualTo("app");
    }

    @Test
    void doesNotAdmitAnotherMethodOrPath() {
        assertThat(withGrant(policy(SRE_READS), "POST", "/d/home").allowed()).isFalse();
        assertThat(withGrant(policy(SRE_READS), "GET", "/settings").allowed()).isFalse();
    }

    @Test
    void neverOverridesADenyRule() {
        Decision decision = withGrant(policy(SRE_READS.replace("paths: ['/admin/**']", "paths: ['/d/secret']")),
                "GET", "/d/secret");

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.reason()).isEqualTo(Reason.DENY_RULE_MATCHED);
    }

    @Test
    void neverAdmitsAnUnauthenticatedCaller() {
        RoutePolicy policy = policy(SRE_READS);
        RequestFacts facts = request("GET", "/d/home");
        Decision refusal = PolicyEvaluator.evaluate(policy, facts, null);

        assertThat(policy.withGrant(refusal, facts, null)).isSameAs(refusal);
        assertThat(refusal.reason()).isEqualTo(Reason.NOT_AUTHENTICATED);
    }

    @Test
    void aPolicyWithoutRequestsAdmitsNoGrant() {
        Decision decision = withGrant(policy("allow: [{groups: [sre]}]"), "GET", "/");

        assertThat(decision.reason()).isEqualTo(Reason.GROUP_MISSING);
    }

    @Test
    void theRequestableRuleReplacesTheAllowRulesScope() {
        RoutePolicy policy = policy("""
                allow: [{groups: [sre]}]
                request: {approvers: ['user:default/carol'], methods: [GET, HEAD], paths: ['/view/**']}
                """);

        assertThat(withGrant(policy, "GET", "/view/1").reason()).isEqualTo(Reason.GRANT_ACTIVE);
        assertThat(withGrant(policy, "DELETE", "/view/1").allowed()).isFalse();
        assertThat(withGrant(policy, "GET", "/edit/1").allowed()).isFalse();
    }

    @Test
    void anyOfSeveralAllowRulesGivesItsScope() {
        RoutePolicy policy = policy("""
                allow: [{groups: [sre], methods: [GET]}, {groups: [ops], paths: ['/ops/**']}]
                request: {approvers: ['group:default/sre']}
                """);

        assertThat(withGrant(policy, "GET", "/x").reason()).isEqualTo(Reason.GRANT_ACTIVE);
        assertThat(withGrant(policy, "POST", "/ops/run").reason()).isEqualTo(Reason.GRANT_ACTIVE);
        assertThat(withGrant(policy, "POST", "/x").allowed()).isFalse();
    }

    @Test
    void offersARequestOnlyWhenAnAllowRuleFailed() {
        Requestable request = policy(SRE_READS).requestable();

        assertThat(request.offeredFor(Reason.GROUP_MISSING)).isTrue();
        assertThat(request.offeredFor(Reason.NO_RULE_MATCHED)).isTrue();
        assertThat(request.offeredFor(Reason.DENY_RULE_MATCHED)).isFalse();
        assertThat(request.offeredFor(Reason.NOT_AUTHENTICATED)).isFalse();
    }
}
