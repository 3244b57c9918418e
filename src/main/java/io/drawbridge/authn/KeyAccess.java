package io.drawbridge.authn;

import com.nimbusds.jose.proc.SecurityContext;

/**
 * The security context a verification runs in: whether it may wait for the issuer's keys to be fetched.
 * Nimbus hands it through the JWT processor to the key source, which is how the non-blocking path stays
 * free of I/O while using the same processor as the blocking one.
 */
enum KeyAccess implements SecurityContext {
    /** On an event loop: use the keys in memory, or give up so the caller can retry on a worker. */
    MEMORY_ONLY,
    /** On a worker thread: a (rate-limited) fetch may happen. */
    MAY_FETCH
}
