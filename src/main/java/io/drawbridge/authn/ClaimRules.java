package io.drawbridge.authn;

import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import io.drawbridge.Reason;
import io.drawbridge.config.IssuerConfig;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The claims a verified token must carry for one issuer: {@code iss}, {@code sub} and {@code exp} present,
 * {@code iss} exactly the issuer, {@code exp} and {@code nbf} within the clock skew, {@code aud} naming one of
 * the audiences (a string or an array), {@code iat} (when present) not after now plus the skew: a token "issued"
 * in the future is forged or minted by a broken clock. Beyond Nimbus's rules: {@code sub} not empty (an empty
 * subject names nobody, and many apps would take it for "anonymous"); a lifetime ({@code exp} minus {@code nbf},
 * else {@code iat}, else now) no longer than {@code maxTokenLifetime}; and, when {@code aud} names several
 * audiences and {@code azp} is present, {@code azp} one of the audiences or {@code authorizedParties} (OIDC Core
 * §2: the party the token was issued to). Each rule is a Nimbus {@link DefaultJWTClaimsVerifier} checking one
 * thing, so a failure maps to its {@link Reason} without reading Nimbus's messages.
 */
final class ClaimRules implements JWTClaimsSetVerifier<KeyAccess> {

    private final List<Rule> rules;
    private final Clock clock;
    private final long skewMillis;
    private final long maxLifetimeMillis;
    private final Set<String> parties;

    ClaimRules(IssuerConfig config, Clock clock) {
        Set<String> required = Set.of(JWTClaimNames.ISSUER, JWTClaimNames.SUBJECT, JWTClaimNames.EXPIRATION_TIME);
        JWTClaimsSet issuer = new JWTClaimsSet.Builder().issuer(config.issuer()).build();
        rules = List.of(
                new Rule(Reason.CLAIM_MISSING, verifier(null, null, required, null)),
                new Rule(Reason.ISSUER_UNKNOWN, verifier(null, issuer, null, null)),
                // the one rule with a clock: ExpiredJWTException means exp, anything else means nbf
                new Rule(Reason.TOKEN_NOT_YET_VALID, verifier(null, null, null, clock)),
                new Rule(Reason.AUDIENCE_MISMATCH, verifier(Set.copyOf(config.audiences()), null, null, null)));
        int skewSeconds = (int) Math.min(Integer.MAX_VALUE, config.clockSkew().toSeconds());
        rules.forEach(rule -> rule.verifier().setMaxClockSkew(skewSeconds));
        this.clock = clock;
        this.skewMillis = skewSeconds * 1000L;
        this.maxLifetimeMillis = config.maxTokenLifetime().toMillis();
        Set<String> parties = new HashSet<>(config.audiences());
        parties.addAll(config.authorizedParties());
        this.parties = Set.copyOf(parties);
    }

    @Override
    public void verify(JWTClaimsSet claims, KeyAccess context) throws BadJWTException {
        for (Rule rule : rules) {
            try {
                rule.verifier().verify(claims, context);
            } catch (ExpiredJWTException e) {
                throw new Rejected(Reason.TOKEN_EXPIRED, e.getMessage());
            } catch (BadJWTException e) {
                throw new Rejected(rule.reason(), e.getMessage());
            }
        }
        Date issuedAt = claims.getIssueTime();
        if (issuedAt != null && issuedAt.getTime() > clock.millis() + skewMillis) {
            throw new Rejected(Reason.TOKEN_NOT_YET_VALID, "JWT issued in the future (iat)");
        }
        if (claims.getSubject().isEmpty()) {
            throw new Rejected(Reason.CLAIM_MISSING, "JWT sub claim is empty");
        }
        requireReasonableLifetime(claims);
        requireAuthorizedParty(claims);
    }

    private void requireReasonableLifetime(JWTClaimsSet claims) throws Rejected {
        Date from = claims.getNotBeforeTime() != null ? claims.getNotBeforeTime() : claims.getIssueTime();
        long start = from != null ? from.getTime() : clock.millis();
        long lifetime;
        try {
            lifetime = Math.subtractExact(claims.getExpirationTime().getTime(), start);
        } catch (ArithmeticException e) { // an nbf or iat far in the past: no lifetime fits
            lifetime = Long.MAX_VALUE;
        }
        if (lifetime > maxLifetimeMillis) {
            throw new Rejected(Reason.TOKEN_LIFETIME_EXCEEDED, "JWT valid for " + lifetime / 1000 + " s from "
                    + (from == null ? "now" : claims.getNotBeforeTime() != null ? "nbf" : "iat")
                    + ", over maxTokenLifetime of " + maxLifetimeMillis / 1000 + " s");
        }
    }

    private void requireAuthorizedParty(JWTClaimsSet claims) throws BadJWTException {
        List<String> audiences = claims.getAudience();
        if (audiences.size() < 2 || claims.getClaim("azp") == null) {
            return;
        }
        String azp;
        try {
            azp = claims.getStringClaim("azp");
        } catch (ParseException e) {
            throw new Rejected(Reason.AZP_NOT_ALLOWED, "JWT azp claim is not a string");
        }
        if (!parties.contains(azp)) {
            throw new Rejected(Reason.AZP_NOT_ALLOWED, "JWT has " + audiences.size() + " audiences and azp "
                    + UnverifiedToken.clip(azp) + ", neither an audience nor an authorized party");
        }
    }

    /** @param clock the time to check {@code exp} and {@code nbf} against, or {@code null} not to check them */
    private static DefaultJWTClaimsVerifier<KeyAccess> verifier(Set<String> audiences, JWTClaimsSet exactMatch,
                                                                Set<String> required, Clock clock) {
        return new DefaultJWTClaimsVerifier<>(audiences, exactMatch, required, null) {
            @Override
            protected Date currentTime() {
                return clock == null ? null : Date.from(clock.instant());
            }
        };
    }

    private record Rule(Reason reason, DefaultJWTClaimsVerifier<KeyAccess> verifier) {
    }

    /** A claim rule failed; carries the reason. */
    static final class Rejected extends BadJWTException {
        private final Reason reason;

        Rejected(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        Reason reason() {
            return reason;
        }
    }
}
