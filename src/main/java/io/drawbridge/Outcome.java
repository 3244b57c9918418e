package io.drawbridge;

/**
 * How a request ended, in the one vocabulary the edge, the audit record, the metrics and the traces share: it was
 * let through, refused, or it failed. The codes are stable (the audit record's {@code decision} field and the
 * {@code decision} tag of metrics and spans); the why is a {@link Reason}.
 */
public enum Outcome {
    /** The request was let through (or answered on purpose, like a CORS preflight). */
    ALLOW("allow"),
    /** The request was refused for who the caller is or what it asked: 401, 403, 429, a redirect to sign in. */
    DENY("deny"),
    /** The request could not be served: malformed, no route, the gateway or the upstream failed. */
    ERROR("error");

    private final String code;

    Outcome(String code) {
        this.code = code;
    }

    /** The stable code written to audit records and metric tags. */
    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return code;
    }
}
