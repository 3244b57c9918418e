package io.drawbridge.access;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;

/**
 * An access-request call refused for a reason the caller may know ({@code access-self-approval},
 * {@code access-not-approver}, ...); the edge maps the reason to its status and answers JSON or a page. The
 * message is for the audit record's detail, never shown to the client.
 */
public final class AccessRefused extends RuntimeException implements Reasoned {

    private final Reason reason;

    public AccessRefused(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    @Override
    public Reason reason() {
        return reason;
    }
}
