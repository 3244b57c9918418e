package io.drawbridge.policy;

import io.drawbridge.Reason;
import java.math.BigDecimal;
import java.math.BigInteger;
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
import static io.drawbridge.policy.PolicyFixtures.denied;
import static io.drawbridge.policy.PolicyFixtures.get;
import static io.drawbridge.policy.PolicyFixtures.policy;
import static io.drawbridge.policy.PolicyFixtures.withClaims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Claim values are written as YAML scalars and compared with the claim's JSON type in mind. */
class ClaimCriterionTest {

    static Stream<Arguments> claims() {
        return Stream.of(
                arguments("string, same", "[gold]", "gold", true),
                arguments("string, other case", "[gold]", "Gold", false),
                arguments("string, one of several", "[gold, silver]", "silver", true),
                arguments("string, another", "[gold, silver]", "bronze", false),
                arguments("list containing the value", "[gold]", List.of("bronze", "gold"), true),
                arguments("list without the value", "[gold]", List.of("bronze", "silver"), false),
                arguments("empty list", "[gold]", List.of(), false),
                arguments("absent", "[gold]", null, false),
                arguments("object", "[gold]", Map.of("gold", "gold"), false),
                arguments("long", "[42]", 42L, true),
                arguments("int", "[42]", 42, true),
                arguments("decimal with no fraction", "[42]", 42.0, true),
                arguments("number written as a string", "[42]", "42", true),
                arguments("another number", "[42]", 43L, false),
                arguments("list of numbers", "[42]", List.of(7L, 42L), true),
                arguments("decimal", "[0.5]", 0.5, true),
                arguments("another decimal", "[0.5]", 0.25, false),
                arguments("leading zero is not a number", "[\"042\"]", 42L, false),
                arguments("plus sign is not a number", "[\"+42\"]", 42L, false),
                arguments("exponent is a number", "[4.2e1]", 42L, true),
                arguments("big integer", "[12345678901234567890]", new BigInteger("12345678901234567890"), true),
                arguments("big decimal", "[1.50]", new BigDecimal("1.5"), true),
                arguments("boolean true", "[true]", true, true),
                arguments("boolean false, true wanted", "[true]", false, false),
                arguments("boolean false wanted", "[false]", false, true),
                arguments("boolean written as a string", "[true]", "true", true),
                arguments("boolean is not a string", "[yes]", true, false));
    }

    @ParameterizedTest(name = "{0}: {1} for {2}")
    @MethodSource("claims")
    void matchesClaimValuesOfEveryJsonType(String row, String values, Object claim, boolean allowed) {
        RoutePolicy policy = policy("{allow: [{claims: {level: " + values + "}}]}");
        Map<String, Object> claims = new HashMap<>();
        if (claim != null) {
            claims.put("level", claim);
        }

        assertDecision(evaluate(policy, get("/"), withClaims(claims)),
                allowed ? allowedBy("allow[0]") : denied(Reason.CLAIM_MISMATCH));
    }

    @Test
    void requiresEveryNamedClaimAndSaysWhichFailed() {
        RoutePolicy policy = policy("""
                allow:
                  - claims:
                      tier: [gold]
                      department: [engineering, sre]
                """);

        assertDecision(evaluate(policy, get("/"), withClaims(Map.of("tier", "gold", "department", "sre"))),
                allowedBy("allow[0]"));
        Decision decision = evaluate(policy, get("/"), withClaims(Map.of("tier", "gold", "department", "sales")));
        assertDecision(decision, denied(Reason.CLAIM_MISMATCH));
        assertThat(decision.detail()).isEqualTo("allow[0] requires claim department in [engineering, sre]");
    }
}
