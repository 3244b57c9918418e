package io.drawbridge.edge;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;

/**
 * A step's way to end the request with a redirect instead of an error, such as a browser sent to sign in: put in
 * {@link io.drawbridge.ExchangeKeys#REDIRECT} with the route stopped. The request is audited as denied with its
 * reason; the edge answers with the status, the {@code Location} and the cookies of
 * {@link io.drawbridge.ExchangeKeys#RESPONSE_COOKIES}.
 */
public final class Redirect extends RuntimeException implements Reasoned {

    private final int status;
    private final String location;
    private final Reason reason;

    public Redirect(int status, String location, Reason reason, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.location = location;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    public String location() {
        return location;
    }

    @Override
    public Reason reason() {
        return reason;
    }
}
