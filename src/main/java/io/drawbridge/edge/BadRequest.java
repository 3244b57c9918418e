package io.drawbridge.edge;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;

/**
 * The request cannot be handled as sent; never forwarded. It carries a reason and no status: the status is
 * {@link ErrorResponses#statusFor}'s for that reason, as for every refusal.
 */
public class BadRequest extends RuntimeException implements Reasoned {

    private final Reason reason;

    public BadRequest(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    @Override
    public Reason reason() {
        return reason;
    }
}
