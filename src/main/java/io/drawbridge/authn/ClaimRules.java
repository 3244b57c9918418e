package io.drawbridge.authn;

import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.policy.Reason;

import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * The claims a verified token must carry for one issuer: {@code iss}, {@code sub} and {@code exp} present,
 * {@code iss} exactly the issuer, {@code exp} and {@code nbf} within the clock skew, {@code aud} naming one of
 * the audiences (a string or an array), {@code iat} (when present) not after now plus the skew: a token "issued"
 * in the future is forged or minted by a broken clock. Each rule is a Nimbus {@link DefaultJWTClaimsVerifier} checking one
 * thing, so a failure maps to its {@link Reason} without reading Nimbus's messages.
 */
final class ClaimRules implements JWTClaimsSetVerifier<KeyAccess> {

    private final List<Rule> rules;
    private final Clock clock;
    private final long skewMillis;

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
