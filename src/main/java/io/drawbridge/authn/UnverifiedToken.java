package io.drawbridge.authn;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.drawbridge.policy.Reason;

import java.text.ParseException;
import java.util.Collection;
import java.util.Map;

/**
 * A bearer token parsed by Nimbus but not yet trusted: its shape is checked (size, signed not encrypted or
 * unsecured, claims nesting), and its {@code iss} is read only to pick the issuer that will verify it.
 *
 * @param jwt    the signed JWT, not verified
 * @param issuer its {@code iss} claim, as claimed
 */
record UnverifiedToken(SignedJWT jwt, String issuer) {

    /** Tokens longer than this are rejected before any parsing; real access tokens are a few KiB. */
    static final int MAX_LENGTH = 16 * 1024;
    /** Claims nested deeper than this are rejected; no issuer needs more, and deep nesting is a parser attack. */
    static final int MAX_CLAIM_DEPTH = 16;

    static UnverifiedToken parse(String token) {
        requireReasonableLength(token);
        Base64URL[] parts;
        Header header;
        try {
            parts = JOSEObject.split(token);
            header = Header.parse(parts[0]);
        } catch (ParseException | RuntimeException e) { // Nimbus throws IllegalArgumentException for some headers
            throw new AuthenticationFailed(Reason.TOKEN_MALFORMED, "not a JWT: " + clip(String.valueOf(e.getMessage())));
        }
        if (header instanceof PlainHeader || header.getAlgorithm().getName().equalsIgnoreCase("none")) {
            throw new AuthenticationFailed(Reason.ALGORITHM_NOT_ALLOWED, "unsecured token (alg none, any spelling)");
        }
        if (header instanceof JWEHeader) {
            throw new AuthenticationFailed(Reason.TOKEN_INVALID,
                    "encrypted token (JWE, alg " + clip(header.getAlgorithm().getName()) + ") is not accepted");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            for (Object value : claims.getClaims().values()) {
                requireShallow(value, 1);
            }
            String issuer = claims.getIssuer();
            if (issuer == null) {
                throw new AuthenticationFailed(Reason.CLAIM_MISSING, "no string 'iss' claim");
            }
            return new UnverifiedToken(jwt, issuer);
        } catch (AuthenticationFailed e) {
            throw e;
        } catch (ParseException | RuntimeException e) {
            throw new AuthenticationFailed(Reason.TOKEN_MALFORMED, "not a signed JWT: " + clip(String.valueOf(e.getMessage())));
        }
    }

    static void requireReasonableLength(String token) {
        if (token.length() > MAX_LENGTH) {
            throw new AuthenticationFailed(Reason.TOKEN_MALFORMED,
                    "token of " + token.length() + " characters is over the limit of " + MAX_LENGTH);
        }
    }

    /** Cuts a value the client chose to a length fit for an audit detail. */
    static String clip(String claimed) {
        return claimed.length() <= 80 ? claimed : claimed.substring(0, 80) + "...";
    }

    private static void requireShallow(Object value, int depth) {
        if (depth > MAX_CLAIM_DEPTH) {
            throw new AuthenticationFailed(Reason.TOKEN_MALFORMED, "claims nested deeper than " + MAX_CLAIM_DEPTH);
        }
        if (value instanceof Map<?, ?> map) {
            for (Object v : map.values()) {
                requireShallow(v, depth + 1);
            }
        } else if (value instanceof Collection<?> list) {
            for (Object v : list) {
                requireShallow(v, depth + 1);
            }
        }
    }
}
