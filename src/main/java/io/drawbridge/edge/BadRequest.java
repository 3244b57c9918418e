package io.drawbridge.edge;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;

/** The request cannot be handled as sent; answered with {@link #status()} and never forwarded. */
public class BadRequest extends RuntimeException implements Reasoned {

    private final int status;
    private final Reason reason;

    public BadRequest(int status, Reason reason, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    @Override
    public Reason reason() {
        return reason;
    }
}
