package io.drawbridge.access;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;

/**
 * The access store did not answer: the database is down, unreachable within the connection timeout, or failed
 * the statement. New requests and decisions get a 503; grants already read keep admitting until
 * {@code maxStaleness} ({@link ActiveGrants}). The message names no credentials and no user text.
 */
public final class AccessStoreUnavailable extends RuntimeException implements Reasoned {

    public AccessStoreUnavailable(String detail) {
        this(detail, null);
    }

    public AccessStoreUnavailable(String detail, Throwable cause) {
        super(detail, cause, false, false); // routine while the database is down: no stack trace to fill
    }

    @Override
    public Reason reason() {
        return Reason.ACCESS_STORE_UNAVAILABLE;
    }
}
