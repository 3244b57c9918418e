package io.drawbridge.policy;

import io.drawbridge.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.drawbridge.policy.PolicyEvaluator.evaluate;
import static io.drawbridge.policy.PolicyFixtures.alice;
import static io.drawbridge.policy.PolicyFixtures.allowedBy;
import static io.drawbridge.policy.PolicyFixtures.assertDecision;
import static io.drawbridge.policy.PolicyFixtures.denied;
import static io.drawbridge.policy.PolicyFixtures.get;
import static io.drawbridge.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

class PathPatternTest {

    @ParameterizedTest(name = "{1} {2} {0}")
    @CsvSource(delimiter = '|', textBlock = """
            matches itself                      | /api/**       | /api            | true
            matches it with a slash             | /api/**       | /api/           | true
            matches one level down              | /api/**       | /api/a          | true
            matches any depth                   | /api/**       | /api/a/b/c      | true
            does not match a longer name        | /api/**       | /apix           | false
            does not match a longer name below  | /api/**       | /apix/a         | false
            does not match a shorter name       | /api/**       | /ap             | false
            does not match the root             | /api/**       | /               | false
            is case-sensitive                   | /api/**       | /API/a          | false
            matches the root                    | /**           | /               | true
            matches everything                  | /**           | /a/b/c          | true
            matches one segment                 | /api/*        | /api/a          | true
            does not cross a slash              | /api/*        | /api/a/b        | false
            does not match a trailing slash     | /api/*        | /api/a/         | false
            does not match an empty segment     | /api/*        | /api/           | false
            does not match the parent           | /api/*        | /api            | false
            does not match another parent       | /api/*        | /apix/a         | false
            matches any one in the middle       | /api/*/items  | /api/7/items    | true
            does not take two in the middle     | /api/*/items  | /api/7/8/items  | false
            does not take none in the middle    | /api/*/items  | /api/items      | false
            needs the literal after it          | /api/*/items  | /api/7/itemsx   | false
            then any depth, at the star         | /api/*/**     | /api/7          | true
            then any depth, below               | /api/*/**     | /api/7/x/y      | true
            then any depth, not the parent      | /api/*/**     | /api            | false
            with a trailing slash               | /api/*/       | /api/7/         | true
            with a trailing slash, needs it     | /api/*/       | /api/7          | false
            exact, same                         | /api          | /api            | true
            exact, with a slash                 | /api          | /api/           | false
            exact, longer name                  | /api          | /apix           | false
            exact, below                        | /api          | /api/a          | false
            exact with slash, same              | /api/         | /api/           | true
            exact with slash, without           | /api/         | /api            | false
            exact root                          | /             | /               | true
            exact root, not below               | /             | /a              | false
            """)
    void matchesPaths(String row, String pattern, String path, boolean matches) {
        assertThat(compile(pattern).matches(path)).isEqualTo(matches);
    }

    @Test
    void matchesNoPathWhenTheRequestHasNone() {
        assertThat(compile("/**").matches(null)).isFalse();
        assertThat(compile("/api/*").matches(null)).isFalse();
        assertThat(compile("/api").matches(null)).isFalse();
    }

    @Test
    void allowsWhenAnyPatternOfTheRuleMatchesAndDeniesOtherPaths() {
        RoutePolicy policy = policy("{allow: [{users: [\"*\"], paths: [/docs, /api/**]}]}");

        assertDecision(evaluate(policy, get("/docs"), alice()), allowedBy("allow[0]"));
        assertDecision(evaluate(policy, get("/api/v1/x"), alice()), allowedBy("allow[0]"));
        assertDecision(evaluate(policy, get("/docs/x"), alice()), denied(Reason.PATH_NOT_ALLOWED));
        assertDecision(evaluate(policy, get("/apix"), alice()), denied(Reason.PATH_NOT_ALLOWED));
    }

    private static PathPattern compile(String pattern) {
        return PathPattern.compile(pattern, "paths", (field, message) -> fail("%s: %s", field, message));
    }
}
