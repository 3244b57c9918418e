package io.drawbridge.policy;

import io.drawbridge.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.drawbridge.policy.PolicyEvaluator.evaluate;
import static io.drawbridge.policy.PolicyFixtures.allowedBy;
import static io.drawbridge.policy.PolicyFixtures.assertDecision;
import static io.drawbridge.policy.PolicyFixtures.denied;
import static io.drawbridge.policy.PolicyFixtures.get;
import static io.drawbridge.policy.PolicyFixtures.policy;
import static io.drawbridge.policy.PolicyFixtures.withEmail;

class EmailCriterionTest {

    @ParameterizedTest(name = "{0}: {1} for {2}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            same address                        | alice@example.com  | alice@example.com          | true
            address in other case               | alice@example.com  | Alice@Example.COM          | true
            policy's address in other case      | ALICE@Example.com  | alice@example.com          | true
            another address                     | alice@example.com  | mallory@example.com        | false
            address as a domain's suffix        | alice@example.com  | xalice@example.com         | false
            no e-mail                           | alice@example.com  | none                       | false
            anyone in the domain                | *@example.com      | bob@example.com            | true
            domain in other case                | *@example.com      | bob@EXAMPLE.COM            | true
            policy's domain in other case       | *@Example.COM      | bob@example.com            | true
            subdomain                           | *@example.com      | bob@sub.example.com        | false
            domain with a longer name           | *@example.com      | bob@notexample.com         | false
            domain as a prefix                  | *@example.com      | bob@example.com.evil.io    | false
            empty local part                    | *@example.com      | @example.com               | false
            second @ before the domain          | *@example.com      | bob@evil.io@example.com    | false
            domain, no e-mail                   | *@example.com      | none                       | false
            """)
    void matchesAddressesAndDomainsIgnoringCase(String row, String policyEmail, String email, boolean allowed) {
        RoutePolicy policy = policy("{allow: [{emails: [\"" + policyEmail + "\"]}]}");

        assertDecision(evaluate(policy, get("/"), withEmail(email, true)),
                allowed ? allowedBy("allow[0]") : denied(Reason.EMAIL_NOT_ALLOWED));
    }

    @ParameterizedTest(name = "email_verified {0}")
    @CsvSource(delimiter = '|', nullValues = "absent", textBlock = """
            true     | true
            absent   | true
            false    | false
            """)
    void ignoresAnE_mailTheIssuerSaysIsUnverified(Boolean verified, boolean allowed) {
        RoutePolicy policy = policy("{allow: [{emails: [\"*@example.com\", alice@example.com]}]}");

        assertDecision(evaluate(policy, get("/"), withEmail("alice@example.com", verified)),
                allowed ? allowedBy("allow[0]") : denied(Reason.EMAIL_NOT_ALLOWED));
    }

    @ParameterizedTest(name = "email_verified \"{0}\"")
    @CsvSource({"false, EMAIL_NOT_ALLOWED", "true, RULE_MATCHED"})
    void readsAnUnverifiedFlagWrittenAsAString(String verified, Reason reason) {
        RoutePolicy policy = policy("{allow: [{emails: [alice@example.com]}]}");

        assertDecision(evaluate(policy, get("/"), withEmail("alice@example.com", verified)),
                reason == Reason.RULE_MATCHED ? allowedBy("allow[0]") : denied(reason));
    }
}
