package io.drawbridge.access;

/**
 * Where an access request stands. {@link #PENDING} is the only open state; every other one is final: an approver
 * approved or rejected it, nobody answered before it expired, or its requester withdrew it.
 */
public enum RequestState {
    PENDING, APPROVED, REJECTED, EXPIRED, WITHDRAWN
}
