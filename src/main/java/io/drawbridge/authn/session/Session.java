package io.drawbridge.authn.session;

import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * A signed-in browser's tokens, kept in its sealed session cookie and nowhere else.
 *
 * @param accessToken   the issuer's access token; it makes the request's identity
 * @param refreshToken  for a new access token before this one expires; may be null
 * @param idToken       for {@code id_token_hint} at logout
 * @param accessExpires when the access token expires
 * @param started       when the user signed in (the absolute lifetime counts from here)
 * @param lastSeen      the last request (the idle timeout counts from here); updated about once a minute
 */
public record Session(String accessToken, String refreshToken, String idToken, Instant accessExpires,
                      Instant started, Instant lastSeen) {

    static final String PURPOSE = "drawbridge-session";

    JWTClaimsSet toClaims() {
        return new JWTClaimsSet.Builder()
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
            String at = claims.getStringClaim("at");
            Long ate = claims.getLongClaim("ate");
            Long seen = claims.getLongClaim("seen");
            if (at == null || ate == null || seen == null || claims.getIssueTime() == null) {
                return Optional.empty();
            }
            return Optional.of(new Session(at, claims.getStringClaim("rt"), claims.getStringClaim("it"),
                    Instant.ofEpochSecond(ate), claims.getIssueTime().toInstant(), Instant.ofEpochSecond(seen)));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    Session seenAt(Instant now) {
        return new Session(accessToken, refreshToken, idToken, accessExpires, started, now);
    }

    Session refreshed(String access, String refresh, String id, Instant expires, Instant now) {
        return new Session(access, refresh != null ? refresh : refreshToken, id != null ? id : idToken, expires,
                started, now);
    }

    /** Tokens are never printed. */
    @Override
    public String toString() {
        return "Session[accessExpires=" + accessExpires + ", started=" + started + ", lastSeen=" + lastSeen + "]";
    }
}
