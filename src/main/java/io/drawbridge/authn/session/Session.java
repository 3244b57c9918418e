package io.drawbridge.authn.session;

import com.nimbusds.jwt.JWTClaimsSet;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;

/**
 * A signed-in browser's tokens, kept in its sealed session cookie and nowhere else.
 *
 * @param id            random, made at sign-in and kept through refreshes: what a logout ends
 * @param accessToken   the issuer's access token; it makes the request's identity
 * @param refreshToken  for a new access token before this one expires; may be null
 * @param idToken       for {@code id_token_hint} at logout
 * @param accessExpires when the access token expires
 * @param started       when the user signed in (the absolute lifetime counts from here)
 * @param lastSeen      the last request (the idle timeout counts from here); updated about once a minute
 */
public record Session(String id, String accessToken, String refreshToken, String idToken, Instant accessExpires,
                      Instant started, Instant lastSeen) {

    static final String PURPOSE = "drawbridge-session";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh session id: 128 random bits. */
    static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    JWTClaimsSet toClaims() {
        return new JWTClaimsSet.Builder()
                .claim("sid", id)
                .claim("at", accessToken)
                .claim("rt", refreshToken)
                .claim("it", idToken)
                .claim("ate", accessExpires.getEpochSecond())
                .issueTime(Date.from(started))
                .claim("seen", lastSeen.getEpochSecond())
                .build();
    }

    static Optional<Session> fromClaims(JWTClaimsSet claims) {
        try {
            String sid = claims.getStringClaim("sid");
            String at = claims.getStringClaim("at");
            Long ate = claims.getLongClaim("ate");
            Long seen = claims.getLongClaim("seen");
            if (sid == null || at == null || ate == null || seen == null || claims.getIssueTime() == null) {
                return Optional.empty();
            }
            return Optional.of(new Session(sid, at, claims.getStringClaim("rt"), claims.getStringClaim("it"),
                    Instant.ofEpochSecond(ate), claims.getIssueTime().toInstant(), Instant.ofEpochSecond(seen)));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    Session seenAt(Instant now) {
        return new Session(id, accessToken, refreshToken, idToken, accessExpires, started, now);
    }

    Session refreshed(String access, String refresh, String newIdToken, Instant expires, Instant now) {
        return new Session(id, access, refresh != null ? refresh : refreshToken,
                newIdToken != null ? newIdToken : idToken, expires, started, now);
    }

    /** Tokens are never printed. */
    @Override
    public String toString() {
        return "Session[accessExpires=" + accessExpires + ", started=" + started + ", lastSeen=" + lastSeen + "]";
    }
}
