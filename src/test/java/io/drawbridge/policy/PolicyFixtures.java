package io.drawbridge.policy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.drawbridge.Reason;
import io.drawbridge.config.PolicyConfig;
import io.drawbridge.identity.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Policies from YAML snippets, callers and requests for the policy tests. The policy under test is called
 * {@value #POLICY}; the caller is alice, a developer with a verified e-mail at example.com.
 */
final class PolicyFixtures {

    static final String POLICY = "app";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PolicyFixtures() {
    }

    /** A policy written as YAML, which must compile without problems. */
    static RoutePolicy policy(String yaml) {
        return PolicyCompiler.compile(POLICY, config(yaml), (field, message) -> fail("%s: %s", field, message));
    }

    static PolicyConfig config(String yaml) {
        try {
            return YAML.readValue(yaml, PolicyConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code policies:} section written as YAML: name to policy. */
    static Map<String, PolicyConfig> policies(String yaml) {
        try {
            return YAML.readValue(yaml, new TypeReference<HashMap<String, PolicyConfig>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problems compiling a {@code policies:} section reports, each as "field: message". */
    static List<String> problems(String yaml) {
        List<String> problems = new ArrayList<>();
        Policies.compile(policies(yaml), (field, message) -> problems.add(field + ": " + message));
        return problems;
    }

    static RequestFacts request(String method, String path) {
        return new RequestFacts(method, path, "app.example.com");
    }

    static RequestFacts get(String path) {
        return request("GET", path);
    }

    static Identity alice() {
        return new Identity("f81d4fae", "alice", "alice@example.com", Set.of("developers"), "keycloak", "portal",
                Map.of("email_verified", true, "tier", "gold"), null);
    }

    static Identity inGroups(String... groups) {
        Identity alice = alice();
        return new Identity(alice.subject(), alice.user(), alice.email(), Set.of(groups), alice.issuer(),
                alice.clientId(), alice.claims(), null);
    }

    static Identity named(String user) {
        Identity alice = alice();
        return new Identity(alice.subject(), user, alice.email(), alice.groups(), alice.issuer(), alice.clientId(),
                alice.claims(), null);
    }

    /** Alice with another e-mail; {@code verified} is the {@code email_verified} claim, left out when null. */
    static Identity withEmail(String email, Object verified) {
        Identity alice = alice();
        Map<String, Object> claims = new HashMap<>(Map.of("tier", "gold"));
        if (verified != null) {
            claims.put("email_verified", verified);
        }
        return new Identity(alice.subject(), alice.user(), email, alice.groups(), alice.issuer(), alice.clientId(),
                claims, null);
    }

    /** Alice with only these claims. */
    static Identity withClaims(Map<String, Object> claims) {
        Identity alice = alice();
        return new Identity(alice.subject(), alice.user(), alice.email(), alice.groups(), alice.issuer(),
                alice.clientId(), claims, null);
    }

    static Decision allowedBy(String rule) {
        return new Decision(true, Reason.RULE_MATCHED, POLICY, rule, null, true);
    }

    static Decision deniedBy(String rule) {
        return new Decision(false, Reason.DENY_RULE_MATCHED, POLICY, rule, null, true);
    }

    static Decision denied(Reason reason) {
        return new Decision(false, reason, POLICY, null, null, true);
    }

    /** Compares the whole decision but its free-text detail, which has tests of its own. */
    static void assertDecision(Decision actual, Decision expected) {
        assertThat(actual).usingRecursiveComparison().ignoringFields("detail").isEqualTo(expected);
    }
}
