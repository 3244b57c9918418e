package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.config.PolicyConfig;
import io.drawbridge.identity.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.drawbridge.policy.PolicyFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The policies in {@code policy/policies.yaml}, walked through with a few callers, as an operator would. */
class TypicalPoliciesTest {

    private static Policies policies;

    private static final Identity SRE_ON_CALL = caller("sam", "sam@example.com", Set.of("sre"), Map.of());
    private static final Identity CATALOG_SRE = caller("sue", "sue@corp.example", Set.of("group:default/SRE"), Map.of());
    private static final Identity ENGINEER = caller("eve", "eve@example.com", Set.of("developers"), Map.of());
    private static final Identity CONTRACTOR = caller("carl", "carl@example.com", Set.of("sre"),
            Map.of("employment", "contractor"));
    private static final Identity BILLING = caller("bill", "bill@example.com", Set.of("group:finance/billing"),
            Map.of("beta", true));
    private static final Identity OUTSIDER = caller("otto", "otto@elsewhere.io", Set.of(), Map.of());

    @BeforeAll
    static void compile() throws IOException {
        try (InputStream in = TypicalPoliciesTest.class.getResourceAsStream("/policy/policies.yaml")) {
            Map<String, PolicyConfig> configs = PolicyFixtures.policies(new String(in.readAllBytes(),
                    StandardCharsets.UTF_8));
            policies = Policies.compile(configs, (field, message) -> fail("%s: %s", field, message));
        }
    }

    static Stream<Arguments> walkThrough() {
        return Stream.of(
                arguments("anyone reads the status page", "status-page", "GET", "/", null,
                        true, Reason.PUBLIC_ROUTE, null, true),
                arguments("SRE edits a dashboard", "grafana", "POST", "/api/dashboards/db", SRE_ON_CALL,
                        true, Reason.RULE_MATCHED, "sre", true),
                arguments("catalog SRE edits a dashboard", "grafana", "PUT", "/d/abc", CATALOG_SRE,
                        true, Reason.RULE_MATCHED, "sre", true),
                arguments("engineer views a dashboard", "grafana", "GET", "/d/abc/latency", ENGINEER,
                        true, Reason.RULE_MATCHED, "engineers-read", true),
                arguments("engineer edits a dashboard", "grafana", "POST", "/d/abc", ENGINEER,
                        false, Reason.NO_RULE_MATCHED, null, true),
                arguments("contractor in sre", "grafana", "GET", "/d/abc", CONTRACTOR,
                        false, Reason.DENY_RULE_MATCHED, "contractors", true),
                arguments("SRE on the admin API", "grafana", "GET", "/api/admin/users", SRE_ON_CALL,
                        false, Reason.DENY_RULE_MATCHED, "no-admin-api", true),
                arguments("anonymous on grafana", "grafana", "GET", "/d/abc", null,
                        false, Reason.NOT_AUTHENTICATED, null, true),
                arguments("billing lists invoices", "billing-api", "GET", "/invoices", BILLING,
                        true, Reason.RULE_MATCHED, "allow[0]", true),
                arguments("billing reads an invoice", "billing-api", "GET", "/invoices/42", BILLING,
                        true, Reason.RULE_MATCHED, "allow[0]", true),
                arguments("billing deletes an invoice", "billing-api", "DELETE", "/invoices/42", BILLING,
                        false, Reason.METHOD_NOT_ALLOWED, null, true),
                arguments("billing reads a line of an invoice", "billing-api", "GET", "/invoices/42/lines", BILLING,
                        false, Reason.PATH_NOT_ALLOWED, null, true),
                arguments("SRE on billing", "billing-api", "GET", "/invoices", SRE_ON_CALL,
                        false, Reason.GROUP_MISSING, null, true),
                arguments("beta tester searches", "new-search", "GET", "/q", BILLING,
                        true, Reason.RULE_MATCHED, "beta-testers", false),
                arguments("outsider searches, let through", "new-search", "GET", "/q", OUTSIDER,
                        false, Reason.CLAIM_MISMATCH, null, false),
                arguments("route naming a missing policy", "no-such-policy", "GET", "/", SRE_ON_CALL,
                        false, Reason.NO_POLICY, null, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("walkThrough")
    void decidesAsTheOperatorExpects(String row, String policy, String method, String path, Identity caller,
                                     boolean allowed, Reason reason, String rule, boolean enforced) {
        Decision decision = PolicyEvaluator.evaluate(policies.get(policy), request(method, path), caller);

        assertThat(decision).usingRecursiveComparison().ignoringFields("detail")
                .isEqualTo(new Decision(allowed, reason, reason == Reason.NO_POLICY ? null : policy, rule, null,
                        enforced));
    }

    private static Identity caller(String user, String email, Set<String> groups, Map<String, Object> claims) {
        return new Identity("sub-" + user, user, email, groups, "keycloak", "portal", claims, null);
    }
}
