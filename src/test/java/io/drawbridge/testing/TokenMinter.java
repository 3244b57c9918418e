package io.drawbridge.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** An issuer for tests: an RSA key minted at test time, its JWKS in a file, and tokens signed with it. */
public final class TokenMinter {

    public static final String ISSUER = "https://issuer.test";
    public static final String AUDIENCE = "drawbridge";

    private final RSAKey key;

    public TokenMinter() {
        key = Tokens.rsa("test-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Writes the public JWKS to {@code file} and returns it. */
    public Path writeJwks(Path file) {
        try {
            Files.writeString(file, new JWKSet(key.toPublicJWK()).toString());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid token for {@code user} in {@code groups}, adjustable before signing. */
    public String token(String user, List<String> groups, UnaryOperator<JWTClaimsSet.Builder> adjust) {
        Instant now = Instant.now();
        var claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(user + "-id")
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600)))
                .claim("preferred_username", user)
                .claim("email", user + "@example.com")
                .claim("groups", groups)
                .claim("azp", "test-client");
        return sign(adjust.apply(claims).build());
    }

    public String token(String user, List<String> groups) {
        return token(user, groups, b -> b);
    }

    /** Signs payload text as it is (JSON escapes and all), for claims a claims builder cannot express. */
    public String signPayload(String json) {
        try {
            var jws = new com.nimbusds.jose.JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), new com.nimbusds.jose.Payload(json));
            jws.sign(new RSASSASigner(key));
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String sign(JWTClaimsSet claims) {
        return Tokens.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT)
                .build(), key, claims);
    }
}
