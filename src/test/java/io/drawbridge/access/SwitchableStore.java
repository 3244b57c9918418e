package io.drawbridge.access;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** A store that can be made to fail like an unreachable database, for the staleness and fail-closed tests. */
final class SwitchableStore implements AccessStore {

    private final AccessStore store;
    private volatile boolean down;

    SwitchableStore(AccessStore store) {
        this.store = store;
    }

    void down(boolean down) {
        this.down = down;
    }

    private <T> T call(Supplier<T> call) {
        if (down) {
            throw new AccessStoreUnavailable("access store unavailable: test", null);
        }
        return call.get();
    }

    @Override
    public AccessRequest submit(String route, Requester requester, Duration duration, String reason, Instant now,
            Instant expiresAt, int maxOpenPerUser) {
        return call(() -> store.submit(route, requester, duration, reason, now, expiresAt, maxOpenPerUser));
    }

    @Override
    public Optional<AccessRequest> request(String id) {
        return call(() -> store.request(id));
    }

    @Override
    public List<AccessRequest> pending(Instant now) {
        return call(() -> store.pending(now));
    }

    @Override
    public List<AccessRequest> requestsBy(String issuer, String subject) {
        return call(() -> store.requestsBy(issuer, subject));
    }

    @Override
    public Grant approve(String requestId, String approvedBy, Duration duration, Instant now) {
        return call(() -> store.approve(requestId, approvedBy, duration, now));
    }

    @Override
    public AccessRequest reject(String requestId, String rejectedBy, Instant now) {
        return call(() -> store.reject(requestId, rejectedBy, now));
    }

    @Override
    public AccessRequest withdraw(String requestId, Requester requester, Instant now) {
        return call(() -> store.withdraw(requestId, requester, now));
    }

    @Override
    public Grant revoke(String grantId, String revokedBy, Instant now) {
        return call(() -> store.revoke(grantId, revokedBy, now));
    }

    @Override
    public Optional<Grant> grant(String id) {
        return call(() -> store.grant(id));
    }

    @Override
    public List<Grant> activeGrants(Instant now) {
        return call(() -> store.activeGrants(now));
    }

    @Override
    public List<Grant> grantsOf(String issuer, String subject, Instant now) {
        return call(() -> store.grantsOf(issuer, subject, now));
    }

    @Override
    public List<AccessRequest> expireUnanswered(Instant now) {
        return call(() -> store.expireUnanswered(now));
    }

    @Override
    public void close() {
        store.close();
    }
}
