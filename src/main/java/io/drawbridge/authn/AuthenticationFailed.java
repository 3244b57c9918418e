package io.drawbridge.authn;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;

/**
 * The request's credential was missing or not acceptable. The edge answers 401 with {@code WWW-Authenticate}
 * (or 503 when the reason is that the issuer's keys are unavailable); the reason goes to the audit record only.
 */
public class AuthenticationFailed extends RuntimeException implements Reasoned {

    private final Reason reason;

    public AuthenticationFailed(Reason reason, String detail) {
        super(detail, null, false, false); // no stack trace: this is a routine outcome, not a bug
        this.reason = reason;
    }

    @Override
    public Reason reason() {
        return reason;
    }
}
