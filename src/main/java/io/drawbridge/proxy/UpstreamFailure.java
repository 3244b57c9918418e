package io.drawbridge.proxy;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;

/** The upstream could not be reached (502), did not answer in time (504), or broke off (502). */
public class UpstreamFailure extends RuntimeException implements Reasoned {

    private final Reason reason;

    public UpstreamFailure(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    @Override
    public Reason reason() {
        return reason;
    }
}
