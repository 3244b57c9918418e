package io.drawbridge.edge;

import io.drawbridge.Reason;
import java.time.Instant;

/**
 * How long the credential that authenticated a request holds: a bearer token until it expires, a session until its
 * lifetime is over or it is signed out on this instance. The authenticate step leaves one in
 * {@code ExchangeKeys.STREAM_PERMIT}; a response that outlives it (a WebSocket, server-sent events, any stream)
 * is cut when it ends, so a signed-out person's open tab stops receiving.
 */
@FunctionalInterface
public interface StreamPermit {

    /** Why the stream must end, for the audit record. */
    record Ended(Reason reason, String detail) {
    }

    /**
     * Why the stream must end now, or {@code null} while it may go on. Called on the connection's event loop about
     * once a second while a response streams: no I/O, no blocking.
     */
    Ended ended(Instant now);

    /** Holds until {@code expires} (none: forever), then ends for {@code reason}. */
    static StreamPermit until(Instant expires, Reason reason, String detail) {
        if (expires == null) {
            return now -> null;
        }
        Ended end = new Ended(reason, detail);
        return now -> now.isBefore(expires) ? null : end;
    }
}
