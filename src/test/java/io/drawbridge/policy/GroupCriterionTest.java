package io.drawbridge.policy;

import io.drawbridge.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.drawbridge.policy.PolicyEvaluator.evaluate;
import static io.drawbridge.policy.PolicyFixtures.allowedBy;
import static io.drawbridge.policy.PolicyFixtures.assertDecision;
import static io.drawbridge.policy.PolicyFixtures.denied;
import static io.drawbridge.policy.PolicyFixtures.get;
import static io.drawbridge.policy.PolicyFixtures.inGroups;
import static io.drawbridge.policy.PolicyFixtures.policy;

/** Plain group names from a token claim compare exactly; catalog entity refs case-insensitively. */
class GroupCriterionTest {

    @ParameterizedTest(name = "{0}: policy {1}, caller in [{2}]")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            plain name, same                           | sre                | sre                              | true
            plain name, other case                     | sre                | SRE                              | false
            plain name, other group                    | sre                | dba                              | false
            plain name, caller in no group             | sre                | none                             | false
            plain name, one of several                 | sre                | dba,sre,web                      | true
            plain name is not the catalog group        | sre                | group:default/sre                | false
            catalog group is not the plain name        | group:default/sre  | sre                              | false
            full ref, same                             | group:default/sre  | group:default/sre                | true
            full ref, other case                       | group:default/sre  | Group:Default/SRE                | true
            policy ref in upper case                   | GROUP:Default/Sre  | group:default/sre                | true
            short ref means the default namespace      | group:sre          | group:default/sre                | true
            short ref in upper case                    | group:SRE          | GROUP:DEFAULT/sre                | true
            caller's short ref, policy's full ref      | group:default/sre  | group:Sre                        | true
            short ref on both sides                    | group:sre          | group:sre                        | true
            short ref, caller in another namespace     | group:sre          | group:ops/sre                    | false
            namespaced ref, same                       | group:ops/sre      | group:OPS/sre                    | true
            namespaced ref, caller in default          | group:ops/sre      | group:default/sre                | false
            namespaced ref, caller's short ref         | group:ops/sre      | group:sre                        | false
            ref, caller's name longer                  | group:sre          | group:default/sre-admins         | false
            ref, caller's name shorter                 | group:sre          | group:default/sr                 | false
            ref, caller's namespace a prefix           | group:ops/sre      | group:op/sre                     | false
            ref is a group, not a user                 | group:sre          | user:default/sre                 | false
            ref, one of several                        | group:sre          | developers,group:default/SRE     | true
            """)
    void matchesGroupsByTheirKind(String row, String policyGroup, String callerGroups, boolean allowed) {
        RoutePolicy policy = policy("{allow: [{groups: [\"" + policyGroup + "\"]}]}");
        String[] groups = callerGroups == null ? new String[0] : callerGroups.split(",");

        assertDecision(evaluate(policy, get("/"), inGroups(groups)),
                allowed ? allowedBy("allow[0]") : denied(Reason.GROUP_MISSING));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            plain name among refs   | group:ops/web, sre, group:db  | sre
            ref among plain names   | web, group:ops/web, sre       | group:ops/WEB
            short ref among others  | web, group:db                 | group:DB
            """)
    void matchesAnyOfSeveralGroupsOfMixedKinds(String row, String policyGroups, String callerGroup) {
        RoutePolicy policy = policy("{allow: [{groups: [" + policyGroups + "]}]}");

        assertDecision(evaluate(policy, get("/"), inGroups(callerGroup)), allowedBy("allow[0]"));
        assertDecision(evaluate(policy, get("/"), inGroups("nobody")), denied(Reason.GROUP_MISSING));
    }
}
