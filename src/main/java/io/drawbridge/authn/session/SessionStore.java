package io.drawbridge.authn.session;

import io.drawbridge.authn.AuthenticationFailed;
import io.drawbridge.config.SessionConfig;
import io.drawbridge.policy.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Sessions in sealed cookies: opening one checks the seal and both lifetimes (idle and absolute); storing one
 * seals it and sets its cookies for the rest of its absolute lifetime.
 */
public final class SessionStore {

    /** The idle clock is written back at most this often, so most requests re-seal nothing. */
    static final Duration SEEN_GRANULARITY = Duration.ofSeconds(60);

    private final SessionKeys keys;
    private final SessionCookies cookies;
    private final SessionConfig config;
    private final Clock clock;

    public SessionStore(SessionKeys keys, SessionCookies cookies, SessionConfig config, Clock clock) {
        this.keys = keys;
        this.cookies = cookies;
        this.config = config;
        this.clock = clock;
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
     *                              that was changed), {@link Reason#SESSION_EXPIRED} for one past a lifetime
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
        return session;
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
