package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;

/** The route's policy denied the request; answered 403, with the decision in the audit record only. */
public class AccessDenied extends RuntimeException implements Reasoned {

    private final Decision decision;

    public AccessDenied(Decision decision) {
        super(decision.reason().code(), null, false, false);
        this.decision = decision;
    }

    public Decision decision() {
        return decision;
    }

    @Override
    public Reason reason() {
        return decision.reason();
    }
}
