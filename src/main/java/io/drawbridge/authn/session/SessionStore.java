package io.drawbridge.authn.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.drawbridge.Reason;
import io.drawbridge.authn.AuthenticationFailed;
import io.drawbridge.config.SessionConfig;
import io.drawbridge.edge.StreamPermit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Sessions in sealed cookies: opening one checks the seal, both lifetimes (idle and absolute) and that it was not
 * signed out here; storing one seals it and sets its cookies for the rest of its absolute lifetime.
 *
 * <p>A cookie is the whole session, so a copy of it outlives a logout that only removes it from the browser. The
 * store therefore remembers the ids of sessions signed out on this instance until their absolute lifetime is over
 * (after that the cookie is refused anyway). This list is per instance: other replicas learn of a logout only
 * through the issuer, whose refresh token the logout revokes.
 */
public final class SessionStore {

    /** The idle clock is written back at most this often, so most requests re-seal nothing. */
    static final Duration SEEN_GRANULARITY = Duration.ofSeconds(60);
    /** Signed-out sessions remembered at most (about 100 bytes each); beyond it Caffeine's eviction forgets some. */
    static final int MAX_ENDED = 200_000;

    private final SessionKeys keys;
    private final SessionCookies cookies;
    private final SessionConfig config;
    private final Clock clock;
    /** Ids of sessions signed out on this instance, each kept until its cookie would be too old anyway. */
    private final Cache<String, Boolean> ended;

    public SessionStore(SessionKeys keys, SessionCookies cookies, SessionConfig config, Clock clock) {
        this.keys = keys;
        this.cookies = cookies;
        this.config = config;
        this.clock = clock;
        this.ended = Caffeine.newBuilder().maximumSize(MAX_ENDED)
                .expireAfterWrite(config.maxLifetime().plus(SEEN_GRANULARITY)).build();
    }

    public SessionCookies cookies() {
        return cookies;
    }

    SessionConfig config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    /**
     * The session the browser sent.
     *
     * @return null when it sent none
     * @throws AuthenticationFailed {@link Reason#SESSION_INVALID} for a cookie this gateway did not seal (or one
     *                              that was changed), {@link Reason#SESSION_EXPIRED} for one past a lifetime or
     *                              signed out
     */
    Session open(Map<String, String> sent) {
        Session session = openIgnoringLifetimes(sent);
        if (session == null) {
            return null;
        }
        Instant now = clock.instant();
        if (!now.isBefore(session.started().plus(config.maxLifetime()))) {
            throw new AuthenticationFailed(Reason.SESSION_EXPIRED, "session older than login.session.maxLifetime");
        }
        if (!now.isBefore(session.lastSeen().plus(config.idleTimeout()))) {
            throw new AuthenticationFailed(Reason.SESSION_EXPIRED, "session idle longer than login.session.idleTimeout");
        }
        if (ended.getIfPresent(session.id()) != null) {
            throw new AuthenticationFailed(Reason.SESSION_EXPIRED, "session signed out");
        }
        return session;
    }

    /**
     * How long a stream opened with this session may go on: until the session's absolute lifetime is over or it is
     * signed out on this instance. (Its access token is not refreshed for a stream: the session is what was granted.)
     */
    StreamPermit permit(Session session) {
        Instant end = session.started().plus(config.maxLifetime());
        return now -> !now.isBefore(end)
                ? new StreamPermit.Ended(Reason.SESSION_EXPIRED, "session older than login.session.maxLifetime")
                : ended.getIfPresent(session.id()) != null
                ? new StreamPermit.Ended(Reason.SESSION_EXPIRED, "session signed out") : null;
    }

    /** Signs a session out on this instance: a copy of its cookie no longer opens here. */
    void end(Session session) {
        ended.put(session.id(), Boolean.TRUE);
    }

    /** The session even when a lifetime is over (logout still wants its ID token); null when none or invalid. */
    Session openIgnoringLifetimes(Map<String, String> sent) {
        String sealed = cookies.sessionValue(sent);
        if (sealed == null) {
            return null;
        }
        return keys.open(Session.PURPOSE, sealed).flatMap(Session::fromClaims)
                .orElseThrow(() -> new AuthenticationFailed(Reason.SESSION_INVALID, "session cookie does not open"));
    }

    /** Whether the idle clock moved enough to be worth a new cookie. */
    boolean staleSeen(Session session) {
        return !clock.instant().isBefore(session.lastSeen().plus(SEEN_GRANULARITY));
    }

    /** {@code Set-Cookie} values that store the session for the rest of its absolute lifetime. */
    List<String> store(Session session, Map<String, String> sent) {
        Duration left = Duration.between(clock.instant(), session.started().plus(config.maxLifetime()));
        return cookies.setSession(keys.seal(Session.PURPOSE, session.toClaims()), left, sent);
    }

    List<String> clear(Map<String, String> sent) {
        return cookies.clearSession(sent);
    }

    SessionKeys keys() {
        return keys;
    }
}
