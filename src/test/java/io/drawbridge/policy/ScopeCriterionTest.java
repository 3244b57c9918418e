package io.drawbridge.policy;

import io.drawbridge.Reason;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.drawbridge.policy.PolicyEvaluator.evaluate;
import static io.drawbridge.policy.PolicyFixtures.allowedBy;
import static io.drawbridge.policy.PolicyFixtures.assertDecision;
import static io.drawbridge.policy.PolicyFixtures.get;
import static io.drawbridge.policy.PolicyFixtures.policy;
import static io.drawbridge.policy.PolicyFixtures.withClaims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Scopes are sets (RFC 6749 §3.3): the {@code scope} claim is a space-delimited string, {@code scp} a list or such
 * a string. A rule asks for them with {@code scopes:}, or with {@code claims: {scope: [...]}}.
 */
class ScopeCriterionTest {

    static Stream<Arguments> grants() {
        return Stream.of(
                arguments("scope, the only one", "scope", "read:x", true),
                arguments("scope, first of several", "scope", "read:x write:x", true),
                arguments("scope, last of several", "scope", "openid write:x read:x", true),
                arguments("scope, a longer scope starting with it", "scope", "read:xy write:x", false),
                arguments("scope, a longer scope ending with it", "scope", "pre-read:x", false),
                arguments("scope, spaces around", "scope", " read:x ", true),
                arguments("scope, other case", "scope", "READ:X", false),
                arguments("scope, a tab is not a delimiter", "scope", "openid\tread:x", false),
                arguments("scope, empty", "scope", "", false),
                arguments("scope, as a list", "scope", List.of("openid", "read:x"), true),
                arguments("scp, a list", "scp", List.of("write:x", "read:x"), true),
                arguments("scp, a list without it", "scp", List.of("write:x", "read:xy"), false),
                arguments("scp, a string", "scp", "write:x read:x", true),
                arguments("scp, a number", "scp", 42L, false),
                arguments("another claim holds it", "permissions", "read:x", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grants")
    void scopesCriterionReadsScopeAndScpAsSets(String row, String claim, Object value, boolean allowed) {
        RoutePolicy policy = policy("{allow: [{scopes: [read:x]}]}");

        assertDecision(evaluate(policy, get("/"), withClaims(claim(claim, value))),
                allowed ? allowedBy("allow[0]") : missing("read:x"));
    }

    static Stream<Arguments> scopeClaimGrants() {
        return grants().filter(row -> !row.get()[1].equals("permissions"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scopeClaimGrants")
    void scopeClaimCriterionReadsTheClaimAsASet(String row, String claim, Object value, boolean allowed) {
        RoutePolicy policy = policy("{allow: [{claims: {" + claim + ": [read:x]}}]}");

        assertDecision(evaluate(policy, get("/"), withClaims(claim(claim, value))),
                allowed ? allowedBy("allow[0]") : missing("read:x"));
    }

    @Test
    void anyListedScopeWillDoAndTheDenialNamesThem() {
        RoutePolicy policy = policy("{allow: [{scopes: [read:x, admin:x]}]}");

        assertDecision(evaluate(policy, get("/"), withClaims(Map.of("scope", "openid admin:x"))),
                allowedBy("allow[0]"));
        Decision decision = evaluate(policy, get("/"), withClaims(Map.of("scope", "openid write:x")));
        assertDecision(decision, missing("read:x", "admin:x"));
        assertThat(decision.detail()).isEqualTo("allow[0] requires scope in [read:x, admin:x]");
    }

    @Test
    void aScopeClaimRuleAsksOnlyForItsOwnClaim() {
        RoutePolicy policy = policy("{allow: [{claims: {scp: [read:x]}}]}");

        assertDecision(evaluate(policy, get("/"), withClaims(Map.of("scope", "read:x"))), missing("read:x"));
    }

    @Test
    void otherCriteriaFailingFirstAreNotScopeDenials() {
        RoutePolicy policy = policy("{allow: [{groups: [sre], scopes: [read:x]}]}");

        Decision decision = evaluate(policy, get("/"), withClaims(Map.of("scope", "read:x")));
        assertThat(decision.reason()).isEqualTo(Reason.GROUP_MISSING);
        assertThat(decision.scopes()).isEmpty();
    }

    private static Map<String, Object> claim(String name, Object value) {
        Map<String, Object> claims = new HashMap<>();
        claims.put(name, value);
        return claims;
    }

    private static Decision missing(String... scopes) {
        return new Decision(false, Reason.SCOPE_MISSING, PolicyFixtures.POLICY, null, null, true, List.of(scopes));
    }
}
