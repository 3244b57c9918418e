package io.drawbridge.policy;

import io.drawbridge.Reason;
import java.util.List;

/**
 * The outcome of evaluating a route's policy for one request.
 *
 * @param allowed  whether the request may proceed
 * @param reason   why, as a stable code
 * @param policy   the name of the policy evaluated, or {@code null} when there was none
 * @param rule     the name of the rule that decided, or {@code null} when no rule matched
 * @param detail   a short human explanation for the audit record (never shown to the client)
 * @param enforced false when the policy runs in audit-only mode: then {@code allowed} is what it would have
 *                 decided, and the request is let through regardless
 * @param scopes   for {@link Reason#SCOPE_MISSING}, the scopes any one of which would have done (the client is told,
 *                 RFC 6750 §3.1); empty otherwise
 */
public record Decision(boolean allowed, Reason reason, String policy, String rule, String detail, boolean enforced,
                       List<String> scopes) {

    public Decision {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    public Decision(boolean allowed, Reason reason, String policy, String rule, String detail, boolean enforced) {
        this(allowed, reason, policy, rule, detail, enforced, List.of());
    }

    public static Decision allow(Reason reason, String policy, String rule) {
        return new Decision(true, reason, policy, rule, null, true);
    }

    public static Decision deny(Reason reason, String policy, String rule, String detail) {
        return new Decision(false, reason, policy, rule, detail, true);
    }

    /** Whether the request goes on: allowed, or denied by a policy that only audits. */
    public boolean proceeds() {
        return allowed || !enforced;
    }
}
