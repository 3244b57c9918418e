package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.config.Problems;
import io.drawbridge.identity.Identity;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The caller's user name is one of the rule's, compared exactly; {@code *} stands for any authenticated caller. */
final class UserCriterion implements Criterion {

    static final String ANYONE = "*";

    private final Set<String> users;
    private final boolean anyone;
    private final String requirement;

    private UserCriterion(Set<String> users) {
        this.users = Set.copyOf(users);
        this.anyone = users.contains(ANYONE);
        this.requirement = anyone ? "an authenticated user" : "user in " + Criterion.listed(users);
    }

    /** Reports wildcards other than a lone {@code *} under {@code field}; returns {@code null} when there was one. */
    static UserCriterion compile(List<String> values, String field, Problems problems) {
        boolean valid = true;
        for (String value : values) {
            if (value.contains(ANYONE) && !value.equals(ANYONE)) {
                problems.add(field, "user '" + value + "' has a wildcard; only \"*\" alone is supported"
                        + " (any authenticated user)");
                valid = false;
            }
        }
        return valid ? new UserCriterion(new LinkedHashSet<>(values)) : null;
    }

    @Override
    public boolean test(RequestFacts request, Identity identity) {
        return anyone || identity.user() != null && users.contains(identity.user());
    }

    @Override
    public Reason failure() {
        return Reason.USER_NOT_ALLOWED;
    }

    @Override
    public String requirement() {
        return requirement;
    }

    @Override
    public String words() {
        return anyone ? "any signed-in user" : "the users " + Criterion.either(users);
    }

    @Override
    public String have(RequestFacts request, Identity identity) {
        return "you are signed in as " + identity.user();
    }
}
