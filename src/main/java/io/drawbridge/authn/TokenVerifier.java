package io.drawbridge.authn;

import io.drawbridge.identity.Identity;

import java.util.Optional;
import java.util.Set;

/**
 * Turns a bearer token into the identity it vouches for, in two steps so an event loop never waits on I/O:
 * try {@link #verifyWithoutIo} on the calling thread, and only when it cannot decide, {@link #verify} on a worker.
 */
public interface TokenVerifier {

    /**
     * Decides with what is in memory.
     *
     * @param allowedIssuers names of the issuers the route accepts; {@code null} for all trusted issuers
     * @return the identity, or empty when keys must be fetched first
     * @throws AuthenticationFailed when the token is not acceptable
     */
    Optional<Identity> verifyWithoutIo(String token, Set<String> allowedIssuers);

    /**
     * Decides, fetching keys when needed (rate-limited, with short timeouts); call it on a worker thread.
     *
     * @param allowedIssuers names of the issuers the route accepts; {@code null} for all trusted issuers
     * @throws AuthenticationFailed when the token is not acceptable or its issuer's keys are unavailable
     */
    Identity verify(String token, Set<String> allowedIssuers);
}
