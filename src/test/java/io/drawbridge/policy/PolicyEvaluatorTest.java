package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.drawbridge.policy.PolicyEvaluator.evaluate;
import static io.drawbridge.policy.PolicyFixtures.POLICY;
import static io.drawbridge.policy.PolicyFixtures.alice;
import static io.drawbridge.policy.PolicyFixtures.allowedBy;
import static io.drawbridge.policy.PolicyFixtures.assertDecision;
import static io.drawbridge.policy.PolicyFixtures.denied;
import static io.drawbridge.policy.PolicyFixtures.deniedBy;
import static io.drawbridge.policy.PolicyFixtures.get;
import static io.drawbridge.policy.PolicyFixtures.inGroups;
import static io.drawbridge.policy.PolicyFixtures.policy;
import static io.drawbridge.policy.PolicyFixtures.request;
import static io.drawbridge.policy.PolicyFixtures.withClaims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PolicyEvaluatorTest {

    private static final RoutePolicy SRE_READS = policy("""
            allow:
              - groups: [sre]
                methods: [GET]
            """);

    @Test
    void allowsAnyoneOnAPublicPolicyWithoutAnIdentity() {
        RoutePolicy open = policy("public: true");

        assertDecision(evaluate(open, get("/"), null),
                new Decision(true, Reason.PUBLIC_ROUTE, POLICY, null, null, true));
        assertThat(open.isPublic()).isTrue();
    }

    @Test
    void allowsASignedInCallerOnAPublicPolicyAlike() {
        assertDecision(evaluate(policy("public: true"), request("DELETE", "/x"), alice()),
                new Decision(true, Reason.PUBLIC_ROUTE, POLICY, null, null, true));
    }

    @Test
    void deniesAnUnauthenticatedCallerBeforeLookingAtRules() {
        RoutePolicy anyone = policy("""
                allow:
                  - methods: [GET]
                """);

        assertDecision(evaluate(anyone, get("/"), null), denied(Reason.NOT_AUTHENTICATED));
    }

    @Test
    void deniesEveryRequestOfARouteWithoutPolicy() {
        Decision expected = new Decision(false, Reason.NO_POLICY, null, null, null, true);

        assertDecision(evaluate(RoutePolicy.NONE, get("/"), alice()), expected);
        assertDecision(evaluate(null, get("/"), alice()), expected);
        assertDecision(evaluate(Policies.EMPTY.get("missing"), get("/"), alice()), expected);
        assertThat(evaluate(RoutePolicy.NONE, get("/"), alice()).proceeds()).isFalse();
    }

    @Test
    void allowsWhenTheOnlyRuleMatchesAndNamesItByPosition() {
        assertDecision(evaluate(SRE_READS, get("/"), inGroups("sre")), allowedBy("allow[0]"));
    }

    @Test
    void namesTheMatchingRuleByItsConfiguredName() {
        RoutePolicy named = policy("""
                allow:
                  - name: sre-reads
                    groups: [sre]
                """);

        assertDecision(evaluate(named, get("/"), inGroups("sre")), allowedBy("sre-reads"));
    }

    @Test
    void requiresEveryCriterionOfARule() {
        assertDecision(evaluate(SRE_READS, request("POST", "/"), inGroups("sre")),
                denied(Reason.METHOD_NOT_ALLOWED));
        assertDecision(evaluate(SRE_READS, get("/"), inGroups("developers")), denied(Reason.GROUP_MISSING));
    }

    @Test
    void allowsWhenAnyValueOfACriterionMatches() {
        RoutePolicy either = policy("""
                allow:
                  - groups: [sre, dba]
                    methods: [GET, POST]
                """);

        assertDecision(evaluate(either, request("POST", "/"), inGroups("dba")), allowedBy("allow[0]"));
        assertDecision(evaluate(either, get("/"), inGroups("sre")), allowedBy("allow[0]"));
    }

    @Test
    void allowsWhenAnyRuleMatchesNamingTheFirstThatDoes() {
        RoutePolicy rules = policy("""
                allow:
                  - name: admins
                    groups: [admins]
                  - name: readers
                    methods: [GET]
                  - name: sre
                    groups: [sre]
                """);

        assertDecision(evaluate(rules, get("/"), inGroups("sre")), allowedBy("readers"));
        assertDecision(evaluate(rules, request("PUT", "/"), inGroups("sre")), allowedBy("sre"));
        assertDecision(evaluate(rules, request("PUT", "/"), inGroups("admins", "sre")), allowedBy("admins"));
    }

    @Test
    void deniesWithNoRuleMatchedWhenSeveralAllowRulesFail() {
        RoutePolicy rules = policy("""
                allow:
                  - groups: [admins]
                  - name: readers
                    methods: [GET]
                """);

        Decision decision = evaluate(rules, request("PUT", "/"), inGroups("sre"));

        assertDecision(decision, denied(Reason.NO_RULE_MATCHED));
        assertThat(decision.detail()).isEqualTo("no allow rule matched: allow[0], readers");
    }

    @Test
    void deniesEverythingWhenThePolicyHasNoAllowRule() {
        RoutePolicy onlyDeny = policy("""
                deny:
                  - groups: [contractors]
                """);

        Decision decision = evaluate(onlyDeny, get("/"), alice());

        assertDecision(decision, denied(Reason.NO_RULE_MATCHED));
        assertThat(decision.detail()).isEqualTo("policy has no allow rule");
    }

    @Test
    void deniesWhenADenyRuleMatchesEvenThoughAnAllowRuleDoes() {
        RoutePolicy denyWins = policy("""
                allow:
                  - users: ["*"]
                deny:
                  - methods: [GET]
                  - name: no-deletes
                    methods: [DELETE]
                """);

        assertDecision(evaluate(denyWins, request("DELETE", "/"), alice()), deniedBy("no-deletes"));
        assertDecision(evaluate(denyWins, get("/"), alice()), deniedBy("deny[0]"));
        assertDecision(evaluate(denyWins, request("PUT", "/"), alice()), allowedBy("allow[0]"));
    }

    @Test
    void appliesADenyRuleOnlyWhenAllItsCriteriaHold() {
        RoutePolicy denyContractorWrites = policy("""
                allow:
                  - users: ["*"]
                deny:
                  - groups: [contractors]
                    methods: [PUT, DELETE]
                """);

        assertDecision(evaluate(denyContractorWrites, get("/"), inGroups("contractors")), allowedBy("allow[0]"));
        assertDecision(evaluate(denyContractorWrites, request("PUT", "/"), inGroups("sre")), allowedBy("allow[0]"));
        assertDecision(evaluate(denyContractorWrites, request("PUT", "/"), inGroups("contractors")),
                deniedBy("deny[0]"));
    }

    static Stream<Arguments> firstFailedCriterion() {
        String rule = """
                allow:
                  - groups: [developers]
                    users: [alice]
                    emails: [alice@example.com]
                    claims: {tier: [gold]}
                    methods: [GET]
                    paths: [/api/**]
                """;
        Identity alice = alice();
        return Stream.of(
                arguments("everything holds", rule, get("/api/x"), alice, null),
                arguments("group missing", rule, get("/api/x"), inGroups("sre"), Reason.GROUP_MISSING),
                arguments("another user", rule, get("/api/x"), PolicyFixtures.named("bob"), Reason.USER_NOT_ALLOWED),
                arguments("another e-mail", rule, get("/api/x"), PolicyFixtures.withEmail("bob@example.com", true),
                        Reason.EMAIL_NOT_ALLOWED),
                arguments("claim differs", rule, get("/api/x"), withClaims(Map.of("tier", "bronze")),
                        Reason.CLAIM_MISMATCH),
                arguments("method not listed", rule, request("POST", "/api/x"), alice, Reason.METHOD_NOT_ALLOWED),
                arguments("path outside", rule, get("/admin"), alice, Reason.PATH_NOT_ALLOWED),
                arguments("group and path both fail: group is first", rule, get("/admin"), inGroups("sre"),
                        Reason.GROUP_MISSING),
                arguments("method and path both fail: method is first", rule, request("PUT", "/admin"), alice,
                        Reason.METHOD_NOT_ALLOWED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstFailedCriterion")
    void deniesForTheFirstCriterionTheOnlyAllowRuleFailed(String row, String yaml, RequestFacts request,
                                                          Identity identity, Reason reason) {
        assertDecision(evaluate(policy(yaml), request, identity),
                reason == null ? allowedBy("allow[0]") : denied(reason));
    }

    @Test
    void saysInTheDetailWhichRuleFailedOnWhatWithoutTheCallersValues() {
        RoutePolicy goldOnly = policy("""
                allow:
                  - name: gold-tier
                    claims: {tier: [gold]}
                """);

        Decision decision = evaluate(goldOnly, get("/"), withClaims(Map.of("tier", "secret-bronze")));

        assertThat(decision.detail()).isEqualTo("gold-tier requires claim tier in [gold]")
                .doesNotContain("secret-bronze");
    }

    @Test
    void keepsTheDetailShortForLongLists() {
        RoutePolicy many = policy("""
                allow:
                  - groups: [a, b, c, d, e, f, g]
                """);

        assertThat(evaluate(many, get("/"), inGroups("z")).detail())
                .isEqualTo("allow[0] requires group in [a, b, c, d, e, ... +2]");
    }

    @Test
    void namesTheDenyRuleThatMatchedInTheDetail() {
        RoutePolicy denyAll = policy("""
                allow:
                  - users: ["*"]
                deny:
                  - name: freeze
                    users: ["*"]
                """);

        assertThat(evaluate(denyAll, get("/"), alice()).detail()).isEqualTo("deny rule freeze matched");
    }

    static Stream<Arguments> auditOnly() {
        String yaml = """
                mode: audit-only
                allow:
                  - name: sre
                    groups: [sre]
                  - name: readers
                    methods: [GET]
                deny:
                  - name: no-deletes
                    methods: [DELETE]
                """;
        return Stream.of(
                arguments("allowed by a rule", yaml, get("/"), alice(),
                        new Decision(true, Reason.RULE_MATCHED, POLICY, "readers", null, false)),
                arguments("denied by a deny rule", yaml, request("DELETE", "/"), inGroups("sre"),
                        new Decision(false, Reason.DENY_RULE_MATCHED, POLICY, "no-deletes", null, false)),
                arguments("no rule matched", yaml, request("PUT", "/"), alice(),
                        new Decision(false, Reason.NO_RULE_MATCHED, POLICY, null, null, false)),
                arguments("unauthenticated", yaml, get("/"), null,
                        new Decision(false, Reason.NOT_AUTHENTICATED, POLICY, null, null, false)),
                arguments("single rule's criterion", "{mode: audit-only, allow: [{groups: [sre]}]}", get("/"),
                        alice(), new Decision(false, Reason.GROUP_MISSING, POLICY, null, null, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("auditOnly")
    void decidesAlikeInAuditOnlyModeButLetsTheRequestThrough(String row, String yaml, RequestFacts request,
                                                            Identity identity, Decision expected) {
        Decision decision = evaluate(policy(yaml), request, identity);

        assertDecision(decision, expected);
        assertThat(decision.proceeds()).isTrue();
    }

    @Test
    void stopsADeniedRequestInEnforceMode() {
        RoutePolicy enforced = policy("{mode: enforce, allow: [{groups: [sre]}]}");

        assertThat(enforced.enforced()).isTrue();
        assertThat(evaluate(enforced, get("/"), alice()).proceeds()).isFalse();
        assertThat(evaluate(enforced, get("/"), inGroups("sre")).proceeds()).isTrue();
    }

    @Test
    void returnsTheDecisionsBuiltAtCompileTimeRatherThanNewOnes() {
        RoutePolicy rules = policy("""
                allow:
                  - groups: [sre]
                  - methods: [GET]
                deny:
                  - methods: [DELETE]
                """);

        assertThat(evaluate(rules, request("PUT", "/"), inGroups("sre")))
                .isSameAs(evaluate(rules, request("PUT", "/"), inGroups("sre")));
        assertThat(evaluate(rules, request("DELETE", "/"), alice()))
                .isSameAs(evaluate(rules, request("DELETE", "/"), alice()));
        assertThat(evaluate(rules, request("PUT", "/"), alice()))
                .isSameAs(evaluate(rules, request("PATCH", "/"), alice()));
        assertThat(evaluate(SRE_READS, request("PUT", "/"), inGroups("sre")))
                .isSameAs(evaluate(SRE_READS, request("POST", "/"), inGroups("sre")));
    }
}
