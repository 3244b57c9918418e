package io.drawbridge.authn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.drawbridge.Reason;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.identity.Identity;
import io.drawbridge.testing.TestClock;
import io.drawbridge.testing.Tokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.drawbridge.testing.Tokens.claims;
import static io.drawbridge.testing.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What careful validators refuse beyond signature and the registered claims: an empty {@code crit} or
 * {@code sub}, a foreign {@code azp} with several audiences, a lifetime past {@code maxTokenLifetime}, a
 * byte-order mark, non-canonical base64url, weak keys. One test per reason, through the registry.
 */
class TokenStrictnessTest {

    static final String CORP = "https://idp.corp.example/realms/corp";

    final TestClock clock = new TestClock();
    final RSAKey corpKey = Tokens.rsa("corp-1");
    RSAKey weakKey;
    TrustedIssuer corp;
    IssuerRegistry registry;

    @BeforeEach
    void trustCorp(@TempDir Path dir) throws Exception {
        weakKey = new RSAKeyGenerator(1024, true).keyID("weak-1").keyUse(KeyUse.SIGNATURE).generate();
        Path jwks = dir.resolve("corp.json");
        Files.writeString(jwks, new JWKSet(List.of(corpKey, weakKey)).toPublicJWKSet().toString());
        corp = new TrustedIssuer(new IssuerConfig("corp", CORP, null, null, jwks.toString(),
                List.of(Tokens.AUDIENCE, "drawbridge-admin"), null, null, null, null, null, Duration.ofHours(24),
                List.of("backstage")), clock);
        registry = new IssuerRegistry(List.of(corp), new VerifiedTokens(1000, clock));
    }

    Reason rejection(String token) {
        try {
            throw new AssertionError("accepted: " + registry.verifyWithoutIo(token, null));
        } catch (AuthenticationFailed failure) {
            return failure.reason();
        }
    }

    Identity accepted(String token) {
        return registry.verifyWithoutIo(token, null).orElseThrow();
    }

    @Test
    void anEmptyCritIsMalformed() {
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("corp-1").criticalParams(Set.of())
                .build(), corpKey, claims(CORP, clock).build());
        String header = new String(com.nimbusds.jose.util.Base64URL.from(token.split("\\.")[0]).decode(),
                StandardCharsets.UTF_8);
        if (!header.contains("\"crit\"")) { // Nimbus leaves an empty set out: write it by hand
            token = signedRaw("{\"alg\":\"RS256\",\"kid\":\"corp-1\",\"crit\":[]}", claims(CORP, clock).build()
                    .toString());
        }
        assertThat(rejection(token)).isEqualTo(Reason.TOKEN_MALFORMED);
    }

    @Test
    void anEmptySubjectIsMissing() {
        assertThat(rejection(sign(corpKey, claims(CORP, clock).subject("").build()))).isEqualTo(Reason.CLAIM_MISSING);
    }

    @Test
    void aLifetimeOverTheMaximumIsRefusedFromIatNbfOrNow() {
        Date farAway = Date.from(clock.instant().plus(Duration.ofDays(365_000)));
        assertThat(rejection(sign(corpKey, claims(CORP, clock).expirationTime(farAway).build())))
                .isEqualTo(Reason.TOKEN_LIFETIME_EXCEEDED);
        Date in25h = Date.from(clock.instant().plus(Duration.ofHours(25)));
        assertThat(rejection(sign(corpKey, claims(CORP, clock).issueTime(null).expirationTime(in25h).build())))
                .isEqualTo(Reason.TOKEN_LIFETIME_EXCEEDED);
        Date longAgo = Date.from(clock.instant().minus(Duration.ofDays(2)));
        assertThat(rejection(sign(corpKey, claims(CORP, clock).notBeforeTime(longAgo).issueTime(null).build())))
                .isEqualTo(Reason.TOKEN_LIFETIME_EXCEEDED);
        Date in23h = Date.from(clock.instant().plus(Duration.ofHours(23)));
        assertThat(accepted(sign(corpKey, claims(CORP, clock).expirationTime(in23h).build()))).isNotNull();
    }

    @Test
    void aForeignAzpWithSeveralAudiencesIsRefused() {
        assertThat(rejection(sign(corpKey, claims(CORP, clock).audience(List.of("drawbridge", "billing"))
                .claim("azp", "billing").build()))).isEqualTo(Reason.AZP_NOT_ALLOWED);
        assertThat(rejection(sign(corpKey, claims(CORP, clock).audience(List.of("drawbridge", "billing"))
                .claim("azp", 7).build()))).isEqualTo(Reason.AZP_NOT_ALLOWED);
        // an audience, an authorized party, one audience only, or no azp at all: accepted
        accepted(sign(corpKey, claims(CORP, clock).audience(List.of("drawbridge", "account"))
                .claim("azp", "drawbridge-admin").build()));
        accepted(sign(corpKey, claims(CORP, clock).audience(List.of("drawbridge", "account"))
                .claim("azp", "backstage").build()));
        accepted(sign(corpKey, claims(CORP, clock).claim("azp", "billing").build()));
        accepted(sign(corpKey, claims(CORP, clock).audience(List.of("drawbridge", "account")).claim("azp", null)
                .build()));
    }

    @Test
    void aByteOrderMarkBeforeThePayloadIsMalformed() {
        assertThat(rejection(signedRaw("{\"alg\":\"RS256\",\"kid\":\"corp-1\"}", "\ufeff"
                + claims(CORP, clock).build()))).isEqualTo(Reason.TOKEN_MALFORMED);
        assertThat(rejection(signedRaw("\ufeff{\"alg\":\"RS256\",\"kid\":\"corp-1\"}", claims(CORP, clock).build()
                .toString()))).isEqualTo(Reason.TOKEN_MALFORMED);
    }

    @Test
    void anyOtherSpellingOfTheSameTokenIsNonCanonical() {
        String token = sign(corpKey, claims(CORP, clock).claim("pad", "ab").build());
        accepted(token);
        String[] parts = token.split("\\.");
        for (int i = 0; i < 3; i++) {
            String standard = java.util.Base64.getEncoder().encodeToString(java.util.Base64.getUrlDecoder()
                    .decode(parts[i]));
            String[] respelled = parts.clone();
            respelled[i] = standard; // standard alphabet, padded
            if (!standard.equals(parts[i])) {
                assertThat(rejection(String.join(".", respelled))).as("segment " + i).isEqualTo(Reason.TOKEN_NONCANONICAL);
            }
        }
        for (int i = 0; i < 3; i++) {
            String[] bent = parts.clone();
            bent[i] = withTrailingBits(parts[i]);
            if (bent[i] != null) {
                assertThat(rejection(String.join(".", bent))).as("trailing bits in " + i)
                        .isEqualTo(Reason.TOKEN_NONCANONICAL);
            }
        }
    }

    @Test
    void theSegmentCheckSeesPaddingAndTheStandardAlphabet() {
        assertThat(canonical("eyJhIjoxfQ")).isTrue();
        assertThat(canonical("eyJhIjoxfQ==")).isFalse();
        assertThat(canonical("a+/b")).isFalse();
        assertThat(canonical("eyJhIjoxfR")).isFalse(); // 'R' leaves a non-zero trailing bit
    }

    @Test
    void aWeakRsaKeyIsNeverUsedAndEveryRefusalIsCounted() throws JOSEException {
        var jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("weak-1").build(),
                new Payload(claims(CORP, clock).build().toJSONObject()));
        jws.sign(new RSASSASigner(weakKey.toPrivateKey(), true));

        assertThat(rejection(jws.serialize())).isEqualTo(Reason.KEY_TOO_WEAK);
        assertThat(rejection(jws.serialize())).isEqualTo(Reason.KEY_TOO_WEAK);
        assertThat(corp.weakKeyRefusals()).isEqualTo(2);
    }

    @Test
    void keyStrengthFollowsTheAllowList() throws JOSEException {
        assertThat(StrongKeys.weakness(corpKey.toPublicKey())).isNull();
        assertThat(StrongKeys.weakness(weakKey.toPublicKey())).contains("1024");
        assertThat(StrongKeys.weakness(new ECKeyGenerator(Curve.P_384).generate().toPublicKey())).isNull();
        // other curves (secp256k1 and the like) cannot even be made or used by this JDK's provider
    }

    private static boolean canonical(String segment) {
        try {
            UnverifiedToken.requireCanonicalSegments(segment);
            return true;
        } catch (AuthenticationFailed e) {
            assertThat(e.reason()).isEqualTo(Reason.TOKEN_NONCANONICAL);
            return false;
        }
    }

    private String signedRaw(String headerJson, String payloadJson) {
        try {
            String signingInput = com.nimbusds.jose.util.Base64URL.encode(headerJson.getBytes(StandardCharsets.UTF_8))
                    + "." + com.nimbusds.jose.util.Base64URL.encode(payloadJson.getBytes(StandardCharsets.UTF_8));
            var signature = java.security.Signature.getInstance("SHA256withRSA");
            signature.initSign(corpKey.toPrivateKey());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + com.nimbusds.jose.util.Base64URL.encode(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same bytes with a non-zero bit where the last character has spare bits, or null when it has none. */
    private static String withTrailingBits(String segment) {
        if (segment.length() % 4 == 0) {
            return null;
        }
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(segment.charAt(segment.length() - 1));
        return segment.substring(0, segment.length() - 1) + alphabet.charAt(last | 1);
    }
}
