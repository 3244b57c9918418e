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
import static io.drawbridge.policy.PolicyFixtures.deniedBy;
import static io.drawbridge.policy.PolicyFixtures.get;
import static io.drawbridge.policy.PolicyFixtures.named;
import static io.drawbridge.policy.PolicyFixtures.policy;
import static io.drawbridge.policy.PolicyFixtures.request;

/** Users and methods: the criteria that are neither groups, e-mails, claims nor paths. */
class RequestCriteriaTest {

    @ParameterizedTest(name = "{0}: policy {1}, request {2}")
    @CsvSource(delimiter = '|', textBlock = """
            same method                       | GET         | GET     | true
            another method                    | GET         | POST    | false
            HEAD is not GET                   | GET         | HEAD    | false
            policy's method in lower case     | get         | GET     | true
            policy's method in mixed case     | Patch       | PATCH   | true
            request's method in lower case    | GET         | get     | true
            one of several                    | GET, POST   | POST    | true
            """)
    void matchesMethodsIgnoringCase(String row, String methods, String method, boolean allowed) {
        RoutePolicy policy = policy("{allow: [{methods: [" + methods + "]}]}");

        assertDecision(evaluate(policy, request(method, "/"), alice()),
                allowed ? allowedBy("allow[0]") : denied(Reason.METHOD_NOT_ALLOWED));
    }

    @Test
    void deniesALowerCaseMethodThatADenyRuleNamesInUpperCase() {
        RoutePolicy policy = policy("{allow: [{users: [\"*\"]}], deny: [{methods: [DELETE]}]}");

        assertDecision(evaluate(policy, request("delete", "/"), alice()), deniedBy("deny[0]"));
    }

    @Test
    void deniesARequestWithoutMethodWhenARuleNamesMethods() {
        assertDecision(evaluate(policy("{allow: [{methods: [GET]}]}"), request(null, "/"), alice()),
                denied(Reason.METHOD_NOT_ALLOWED));
    }

    @ParameterizedTest(name = "{0}: policy {1}, caller {2}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            same user                        | alice         | alice   | true
            user in other case               | alice         | Alice   | false
            another user                     | alice         | bob     | false
            one of several                   | alice, bob    | bob     | true
            caller without a user name       | alice         | none    | false
            star: any signed-in caller       | "*"           | bob     | true
            star: even without a user name   | "*"           | none    | true
            star among names                 | alice, "*"    | carol   | true
            """)
    void matchesUsersExactlyOrAnyoneForAStar(String row, String users, String user, boolean allowed) {
        RoutePolicy policy = policy("{allow: [{users: [" + users + "]}]}");

        assertDecision(evaluate(policy, get("/"), named(user)),
                allowed ? allowedBy("allow[0]") : denied(Reason.USER_NOT_ALLOWED));
    }

    @Test
    void stillRequiresASignedInCallerForAStar() {
        assertDecision(evaluate(policy("{allow: [{users: [\"*\"]}]}"), get("/"), null),
                denied(Reason.NOT_AUTHENTICATED));
    }
}
