package io.drawbridge.authn;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.drawbridge.Reason;
import java.text.ParseException;
import java.util.Base64;
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
        requireCanonicalSegments(token); // a JWS of three segments now: what is wrong with it is its spelling
        if (header.getCriticalParams() == null || header.getCriticalParams().isEmpty()) {
            requireNoEmptyCrit(parts[0]); // Nimbus reads "crit": [] as no crit at all
        }
        for (int i = 0; i < Math.min(2, parts.length); i++) {
            byte[] decoded = parts[i].decode();
            if (decoded.length >= 3 && (decoded[0] & 0xff) == 0xef && (decoded[1] & 0xff) == 0xbb
                    && (decoded[2] & 0xff) == 0xbf) {
                throw new AuthenticationFailed(Reason.TOKEN_MALFORMED, (i == 0 ? "header" : "payload")
                        + " starts with a byte-order mark (RFC 8259 §8.1)");
            }
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

    private static void requireNoEmptyCrit(Base64URL header) {
        String json = header.decodeToString();
        if (!json.contains("crit") && !json.contains("\\")) { // the common case costs no second parse
            return;
        }
        try {
            if (JSONObjectUtils.parse(json).containsKey("crit")) {
                throw new AuthenticationFailed(Reason.TOKEN_MALFORMED, "empty crit header (RFC 7515 §4.1.11)");
            }
        } catch (ParseException e) {
            throw new AuthenticationFailed(Reason.TOKEN_MALFORMED, "header is not a JSON object");
        }
    }

    /**
     * One token, one spelling: each segment in base64url without padding and with zero trailing bits (RFC 7515
     * §2), as its issuer wrote it. Decoders (Nimbus's included) also take the standard alphabet, padding and
     * non-zero trailing bits, which would give one signed token many spellings: many cache keys, and a way
     * around any list of refused tokens. Characters of neither alphabet are left to the parser (malformed).
     */
    static void requireCanonicalSegments(String token) {
        int start = 0;
        while (start <= token.length()) {
            int dot = token.indexOf('.', start);
            int end = dot < 0 ? token.length() : dot;
            String segment = token.substring(start, end);
            if (inEitherAlphabet(segment)) {
                byte[] bytes;
                try {
                    bytes = Base64.getUrlDecoder().decode(segment.replace('+', '-').replace('/', '_'));
                } catch (IllegalArgumentException e) {
                    bytes = null; // not base64 at all (a stray '=' or a length of 4n+1): malformed, the parser says
                }
                if (bytes != null && !Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)
                        .equals(segment)) {
                    throw new AuthenticationFailed(Reason.TOKEN_NONCANONICAL, "segment " + (segmentIndex(token, start))
                            + " is not canonical base64url (standard alphabet, padding or non-zero trailing bits)");
                }
            }
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
    }

    private static boolean inEitherAlphabet(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '+' || c == '/' || c == '=';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static int segmentIndex(String token, int start) {
        int n = 1;
        for (int i = 0; i < start; i++) {
            if (token.charAt(i) == '.') {
                n++;
            }
        }
        return n;
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
