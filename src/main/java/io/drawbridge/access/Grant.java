package io.drawbridge.access;

import java.time.Instant;

/**
 * An approved request: its holder may use one route from {@code startsAt} until {@code endsAt}, unless revoked.
 *
 * @param id         random, URL-safe, at least 128 bits; never sequential
 * @param requestId  the request it was approved from (one grant per request at most)
 * @param route      the route it opens, and no other
 * @param holder     the requester
 * @param startsAt   the moment of approval
 * @param endsAt     when it stops admitting (exclusive)
 * @param approvedBy who approved it
 * @param revokedAt  when it was revoked, or null
 * @param revokedBy  who revoked it (an approver, or the holder giving it up), or null
 */
public record Grant(String id, String requestId, String route, Requester holder, Instant startsAt, Instant endsAt,
        String approvedBy, Instant revokedAt, String revokedBy) {

    /** Whether it admits its holder at {@code now}: started, not ended, not revoked. */
    public boolean activeAt(Instant now) {
        return revokedAt == null && !now.isBefore(startsAt) && now.isBefore(endsAt);
    }
}
