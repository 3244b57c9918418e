package io.drawbridge.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.drawbridge.config.IssuerConfig;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keys minted at test time (once per kid, RSA generation is slow) and tokens signed with them; {@link TokenMinter}
 * is the same with one key of its own, for tests that start a gateway.
 */
public final class Tokens {

    public static final String AUDIENCE = "drawbridge";

    private static final Map<String, JWK> KEYS = new ConcurrentHashMap<>();

    private Tokens() {
    }

    /** An RSA signing key ({@code use: sig}), the same object for the same kid during the test run. */
    public static RSAKey rsa(String kid) {
        return (RSAKey) KEYS.computeIfAbsent("rsa:" + kid, k -> generate(() ->
                new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate()));
    }

    /** An RSA encryption key ({@code use: enc, alg: RSA-OAEP}), as Keycloak lists next to its signing key. */
    public static RSAKey rsaEncryption(String kid) {
        return (RSAKey) KEYS.computeIfAbsent("rsa-enc:" + kid, k -> generate(() ->
                new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.ENCRYPTION)
                        .algorithm(JWEAlgorithm.RSA_OAEP_256).generate()));
    }

    /** A P-256 signing key. */
    public static ECKey ec(String kid) {
        return (ECKey) KEYS.computeIfAbsent("ec:" + kid, k -> generate(() ->
                new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).generate()));
    }

    /** Claims that pass every rule of {@link #issuer}: sub, aud, exp in 5 minutes, iat now. */
    public static JWTClaimsSet.Builder claims(String iss, Clock clock) {
        Date now = Date.from(clock.instant());
        return new JWTClaimsSet.Builder()
                .issuer(iss)
                .subject("f3a1c2d4-user")
                .audience(AUDIENCE)
                .issueTime(now)
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(5))))
                .claim("preferred_username", "alice")
                .claim("email", "alice@example.com")
                .claim("groups", List.of("sre", "dev"))
                .claim("azp", "web-app");
    }

    /** Signs with the key's own kid and the algorithm that fits its type (RS256 or ES256). */
    public static String sign(JWK key, JWTClaimsSet claims) {
        JWSAlgorithm alg = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
        return sign(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), key, claims);
    }

    public static String sign(JWSHeader header, JWK key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token assembled by hand from JSON, for what Nimbus refuses to produce. */
    public static String raw(String headerJson, String payloadJson, Base64URL signature) {
        return Base64URL.encode(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + Base64URL.encode(payloadJson.getBytes(StandardCharsets.UTF_8)) + "."
                + (signature == null ? "" : signature.toString());
    }

    /** An issuer whose tokens must name {@link #AUDIENCE}; keys from a JWKS URL or file (one of them null). */
    public static IssuerConfig issuer(String name, String iss, String jwksUri, String jwksFile) {
        return new IssuerConfig(name, iss, null, jwksUri, jwksFile, List.of(AUDIENCE),
                null, null, null, null, null);
    }

    private interface Generation {
        JWK generate() throws JOSEException;
    }

    private static JWK generate(Generation generation) {
        try {
            return generation.generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
