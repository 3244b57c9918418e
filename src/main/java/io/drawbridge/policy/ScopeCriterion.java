package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.config.Problems;
import io.drawbridge.identity.Identity;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The token grants one of the rule's scopes. Granted scopes are sets (RFC 6749 §3.3): the {@code scope} claim is
 * a space-delimited string, and {@code scp} (Azure AD, Okta) a list or such a string; the {@code scopes:}
 * criterion reads both, a {@code claims: {scope: [...]}} criterion only the claim it names. Scopes compare
 * exactly, case included. A request denied for want of one is answered with RFC 6750's
 * {@code insufficient_scope} challenge naming {@link #scopes()}.
 */
final class ScopeCriterion implements Criterion {

    /** The claims a {@code scopes:} criterion reads. */
    static final List<String> CLAIMS = List.of("scope", "scp");

    private final String[] claims;
    private final String[] scopes;
    private final List<String> listed;
    private final String requirement;

    private ScopeCriterion(List<String> claims, List<String> scopes) {
        this.claims = claims.toArray(String[]::new);
        this.scopes = scopes.toArray(String[]::new);
        this.listed = List.copyOf(scopes);
        this.requirement = "scope in " + Criterion.listed(scopes);
    }

    /**
     * Reports values that are not one scope token (RFC 6749 §3.3: printable ASCII but space, {@code "} and
     * {@code \}) under {@code field}; returns {@code null} when there was one.
     */
    static ScopeCriterion compile(List<String> claims, List<String> values, String field, Problems problems) {
        boolean valid = true;
        for (String value : values) {
            if (!isScopeToken(value)) {
                problems.add(field, "'" + value + "' is not one scope: a scope has no spaces, quotes or backslashes"
                        + (value.contains(" ") ? "; list each scope on its own" : ""));
                valid = false;
            }
        }
        return valid ? new ScopeCriterion(claims, List.copyOf(new LinkedHashSet<>(values))) : null;
    }

    private static boolean isScopeToken(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return !value.isEmpty();
    }

    @Override
    public boolean test(RequestFacts request, Identity identity) {
        for (String claim : claims) {
            Object value = identity.claims().get(claim);
            if (value instanceof String granted && grants(granted)) {
                return true;
            }
            if (value instanceof Collection<?> list) {
                for (Object element : list) {
                    if (element instanceof String granted && grants(granted)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether the space-delimited {@code granted} holds one of the scopes, as a whole word. */
    private boolean grants(String granted) {
        for (String scope : scopes) {
            int from = 0;
            int at;
            while ((at = granted.indexOf(scope, from)) >= 0) {
                int end = at + scope.length();
                if ((at == 0 || granted.charAt(at - 1) == ' ') && (end == granted.length() || granted.charAt(end) == ' ')) {
                    return true;
                }
                from = at + 1;
            }
        }
        return false;
    }

    /** The scopes any one of which would do, for the challenge. */
    List<String> scopes() {
        return listed;
    }

    @Override
    public Reason failure() {
        return Reason.SCOPE_MISSING;
    }

    @Override
    public String requirement() {
        return requirement;
    }
}
