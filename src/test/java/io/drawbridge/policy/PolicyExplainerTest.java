package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.drawbridge.policy.PolicyFixtures.alice;
import static io.drawbridge.policy.PolicyFixtures.get;
import static io.drawbridge.policy.PolicyFixtures.inGroups;
import static io.drawbridge.policy.PolicyFixtures.named;
import static io.drawbridge.policy.PolicyFixtures.policy;
import static io.drawbridge.policy.PolicyFixtures.problems;
import static io.drawbridge.policy.PolicyFixtures.request;
import static io.drawbridge.policy.PolicyFixtures.withClaims;
import static io.drawbridge.policy.PolicyFixtures.withEmail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Explanations: the evaluator's decision, with every criterion of every rule tested and put in words. */
class PolicyExplainerTest {

    /** One row per criterion: the rule, a request and caller it refuses, the reason, the words, what they have. */
    static Stream<Arguments> criteria() {
        return Stream.of(
                arguments("groups: [sre, \"group:platform\"]", get("/"), inGroups("sales"), Reason.GROUP_MISSING,
                        "members of sre or group:default/platform", "you are in sales"),
                arguments("users: [carol, dave]", get("/"), named("bob"), Reason.USER_NOT_ALLOWED,
                        "the users ", "you are signed in as bob"),
                arguments("emails: [\"*@example.org\"]", get("/"), withEmail("bob@example.com", true),
                        Reason.EMAIL_NOT_ALLOWED, "people with a verified e-mail address at example.org",
                        "your e-mail address is bob@example.com"),
                arguments("emails: [\"*@example.com\"]", get("/"), withEmail("bob@example.com", false),
                        Reason.EMAIL_NOT_ALLOWED, "people with a verified e-mail address at example.com",
                        "your e-mail address is bob@example.com (not verified)"),
                arguments("claims: {department: [observability]}", get("/"), withClaims(Map.of("department", "x")),
                        Reason.CLAIM_MISMATCH, "a required attribute (claim)", null),
                arguments("methods: [GET]", request("DELETE", "/"), alice(), Reason.METHOD_NOT_ALLOWED,
                        "the methods GET", "this request is a DELETE"),
                arguments("paths: [/grafana/**]", get("/admin"), alice(), Reason.PATH_NOT_ALLOWED,
                        "the paths /grafana/**", "you asked for /admin"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("criteria")
    void explainsEachCriterionInWordsWithWhatTheCallerHas(String rule, RequestFacts request, Identity caller,
                                                          Reason reason, String words, String have) {
        RoutePolicy policy = policy("allow:\n  - name: the-rule\n    " + rule + "\n");

        Explanation explanation = PolicyExplainer.explain(policy, request, caller);

        assertThat(explanation.decision()).isEqualTo(PolicyEvaluator.evaluate(policy, request, caller));
        assertThat(explanation.decision().reason()).isEqualTo(reason);
        var check = explanation.allow().get(0).criteria().get(0);
        assertThat(check.holds()).isFalse();
        assertThat(check.failure()).isEqualTo(reason);
        assertThat(check.words()).contains(words);
        assertThat(check.have()).isEqualTo(have);
        assertThat(explanation.explain()).isEqualTo(Explain.REQUIREMENT);
    }

    @Test
    void testsEveryCriterionWhereTheEvaluatorStopsAtTheFirstFailure() {
        RoutePolicy policy = policy("""
                allow:
                  - name: sre-reads
                    groups: [sre]
                    methods: [GET]
                    paths: [/grafana/**]
                """);

        Explanation explanation = PolicyExplainer.explain(policy, request("POST", "/grafana/x"), inGroups("sales"));

        assertThat(explanation.allow().get(0).criteria()).extracting(Explanation.CriterionCheck::holds)
                .containsExactly(false, false, true);
        assertThat(explanation.decision().reason()).isEqualTo(Reason.GROUP_MISSING);
    }

    @Test
    void namesTheDenyRuleThatWonAndTheAllowRuleThatWouldHaveMatched() {
        RoutePolicy policy = policy("""
                deny:
                  - name: no-admin
                    paths: [/admin/**]
                allow:
                  - name: sre
                    groups: [sre]
                """);

        Explanation explanation = PolicyExplainer.explain(policy, get("/admin/x"), inGroups("sre"));

        assertThat(explanation.decision().reason()).isEqualTo(Reason.DENY_RULE_MATCHED);
        assertThat(explanation.decision().rule()).isEqualTo("no-admin");
        assertThat(explanation.deny()).singleElement().satisfies(r -> assertThat(r.matched()).isTrue());
        assertThat(explanation.allow()).singleElement().satisfies(r -> assertThat(r.matched()).isTrue());
    }

    @Test
    void anAllowedRequestNamesTheRule() {
        Explanation explanation = PolicyExplainer.explain(policy("allow:\n  - name: sre\n    groups: [sre]\n"),
                get("/"), inGroups("sre"));

        assertThat(explanation.decision().allowed()).isTrue();
        assertThat(explanation.decision().rule()).isEqualTo("sre");
    }

    @Test
    void anUnauthenticatedCallerTestsNoRule() {
        Explanation explanation = PolicyExplainer.explain(policy("allow:\n  - groups: [sre]\n"), get("/"), null);

        assertThat(explanation.decision().reason()).isEqualTo(Reason.NOT_AUTHENTICATED);
        assertThat(explanation.allow()).isEmpty();
    }

    @Test
    void noPolicyExplainsNoPolicy() {
        Explanation explanation = PolicyExplainer.explain(null, get("/"), alice());

        assertThat(explanation.decision().reason()).isEqualTo(Reason.NO_POLICY);
        assertThat(explanation.policy()).isNull();
    }

    @Test
    void theExplainLevelIsReadFromThePolicy() {
        assertThat(policy("explain: none\nallow:\n  - groups: [sre]\n").explain()).isEqualTo(Explain.NONE);
        assertThat(policy("explain: full\nallow:\n  - groups: [sre]\n").explain()).isEqualTo(Explain.FULL);
        assertThat(policy("allow:\n  - groups: [sre]\n").explain()).isEqualTo(Explain.REQUIREMENT);
    }

    @Test
    void anUnknownExplainLevelIsAProblem() {
        assertThat(problems("app:\n  explain: everything\n  allow:\n    - groups: [sre]\n"))
                .anySatisfy(p -> assertThat(p).contains("policies.app.explain").contains("none, requirement"));
    }
}
