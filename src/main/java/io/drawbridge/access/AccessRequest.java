package io.drawbridge.access;

import java.time.Duration;
import java.time.Instant;

/**
 * A request for access to one route, as stored. Immutable: a decision is a new value read back from the store.
 *
 * @param id         random, URL-safe, at least 128 bits; never sequential
 * @param route      the route's name
 * @param requester  who asked
 * @param duration   how long the requester asked for
 * @param reason     the requester's own words (user text: escape it wherever it is shown, never log it); may be null
 * @param state      where it stands
 * @param createdAt  when it was made (UTC)
 * @param expiresAt  when it expires if nobody answers
 * @param decidedBy  who approved or rejected it, or the requester when withdrawn; null while pending or expired
 * @param decidedAt  when it left {@link RequestState#PENDING}; null while pending
 */
public record AccessRequest(String id, String route, Requester requester, Duration duration, String reason,
        RequestState state, Instant createdAt, Instant expiresAt, String decidedBy, Instant decidedAt) {

    /** Whether it still waits for an answer at {@code now} (pending and not yet past its expiry). */
    public boolean openAt(Instant now) {
        return state == RequestState.PENDING && now.isBefore(expiresAt);
    }
}
