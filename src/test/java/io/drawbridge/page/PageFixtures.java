package io.drawbridge.page;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.drawbridge.config.PolicyConfig;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Explanation;
import io.drawbridge.policy.Policies;
import io.drawbridge.policy.PolicyExplainer;
import io.drawbridge.policy.RequestFacts;
import io.drawbridge.policy.RoutePolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;

/** Policies from YAML, callers and explanations for page tests. */
final class PageFixtures {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PageFixtures() {
    }

    static RoutePolicy policy(String name, String yaml) {
        try {
            PolicyConfig config = YAML.readValue(yaml, PolicyConfig.class);
            return Policies.compile(Map.of(name, config), (field, message) -> {
                throw new AssertionError(field + ": " + message);
            }).get(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Identity caller(String user, String... groups) {
        return new Identity(user + "-id", user, user + "@example.com", Set.of(groups), "corp", null,
                Map.of("email_verified", true), null);
    }

    static Explanation explain(RoutePolicy policy, String method, String path, Identity caller) {
        return PolicyExplainer.explain(policy, new RequestFacts(method, path, "app.example.com"), caller);
    }
}
