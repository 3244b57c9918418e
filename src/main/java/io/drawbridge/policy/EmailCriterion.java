package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.config.Problems;
import io.drawbridge.identity.Identity;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The caller's e-mail is one of the rule's, or in one of its {@code *@domain} domains, compared case-insensitively.
 * An e-mail the issuer says is unverified ({@code email_verified: false}) never matches: anyone can type one.
 */
final class EmailCriterion implements Criterion {

    private static final String DOMAIN = "*@";
    static final String VERIFIED_CLAIM = "email_verified";

    private final Set<String> addresses; // lower case
    private final String[] domains;      // lower case, with the '@': "@example.com"
    private final String requirement;

    private EmailCriterion(Set<String> values) {
        this.addresses = Set.copyOf(values.stream().filter(v -> !v.startsWith(DOMAIN)).toList());
        this.domains = values.stream().filter(v -> v.startsWith(DOMAIN)).map(v -> v.substring(1)).toArray(String[]::new);
        this.requirement = "verified e-mail in " + Criterion.listed(values);
    }

    /** Reports values that are neither an address nor {@code *@domain} under {@code field}; {@code null} then. */
    static EmailCriterion compile(List<String> values, String field, Problems problems) {
        Set<String> lower = new LinkedHashSet<>();
        boolean valid = true;
        for (String value : values) {
            String email = value.toLowerCase(Locale.ROOT);
            String local = email.startsWith(DOMAIN) ? "x" : email.substring(0, Math.max(email.indexOf('@'), 0));
            String domain = email.substring(email.indexOf('@') + 1);
            if (local.isEmpty() || domain.isEmpty() || email.indexOf('@') != email.lastIndexOf('@')
                    || email.lastIndexOf('*') > 0) {
                problems.add(field, "'" + value + "' is not an e-mail address; write alice@example.com,"
                        + " or *@example.com for a whole domain");
                valid = false;
            }
            lower.add(email);
        }
        return valid ? new EmailCriterion(lower) : null;
    }

    @Override
    public boolean test(RequestFacts request, Identity identity) {
        String email = identity.verifiedEmail(); // the same reading audit records keep, for diff's replays
        if (email == null) {
            return false;
        }
        email = email.toLowerCase(Locale.ROOT); // the same instance when already lower case
        if (addresses.contains(email)) {
            return true;
        }
        int at = email.indexOf('@');
        for (String domain : domains) {
            if (at > 0 && at == email.length() - domain.length() && email.endsWith(domain)) {
                return true;
            }
        }
        return false;
    }

    private static boolean unverified(Object claim) {
        return Boolean.FALSE.equals(claim) || "false".equals(claim);
    }

    @Override
    public Reason failure() {
        return Reason.EMAIL_NOT_ALLOWED;
    }

    @Override
    public String requirement() {
        return requirement;
    }

    @Override
    public String words() {
        return "people with a verified e-mail address " + Criterion.either(Stream.concat(
                addresses.stream(), Arrays.stream(domains).map(d -> "at " + d.substring(1))).toList());
    }

    @Override
    public String have(RequestFacts request, Identity identity) {
        if (identity.email() == null) {
            return "your sign-in carries no e-mail address";
        }
        return "your e-mail address is " + identity.email()
                + (unverified(identity.claims().get(VERIFIED_CLAIM)) ? " (not verified)" : "");
    }
}
