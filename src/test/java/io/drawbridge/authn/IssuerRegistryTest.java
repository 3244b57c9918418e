package io.drawbridge.authn;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.SignedJWT;
import io.drawbridge.Reason;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.identity.Identity;
import io.drawbridge.testing.TestClock;
import io.drawbridge.testing.Tokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.drawbridge.testing.Tokens.claims;
import static io.drawbridge.testing.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One test per rejection reason, through the registry, with two issuers whose keys come from JWKS files
 * (so nothing is fetched): "corp" signs with RSA, "partner" with ECDSA.
 */
class IssuerRegistryTest {

    static final String CORP = "https://idp.corp.example/realms/corp";
    static final String PARTNER = "https://login.partner.example";

    final TestClock clock = new TestClock();
    final RSAKey corpKey = Tokens.rsa("corp-1");
    IssuerRegistry registry;

    @BeforeEach
    void trustCorpAndPartner(@TempDir Path dir) throws Exception {
        Path corpJwks = dir.resolve("corp.json");
        Files.writeString(corpJwks, new JWKSet(corpKey).toPublicJWKSet().toString());
        Path partnerJwks = dir.resolve("partner.json");
        Files.writeString(partnerJwks, new JWKSet(Tokens.ec("partner-1")).toPublicJWKSet().toString());
        registry = registry(Tokens.issuer("corp", CORP, null, corpJwks.toString()),
                Tokens.issuer("partner", PARTNER, null, partnerJwks.toString()));
    }

    IssuerRegistry registry(IssuerConfig... issuers) {
        return new IssuerRegistry(List.of(issuers).stream().map(c -> new TrustedIssuer(c, clock)).toList(),
                new VerifiedTokens(1000, clock));
    }

    Reason rejection(String token) {
        return rejection(token, null);
    }

    Reason rejection(String token, Set<String> allowedIssuers) {
        try {
            Optional<Identity> identity = registry.verifyWithoutIo(token, allowedIssuers);
            throw new AssertionError("accepted: " + identity);
        } catch (AuthenticationFailed failure) {
            if (token.length() > 10) {
                assertThat(failure.getMessage()).doesNotContain(token);
            }
            return failure.reason();
        }
    }

    Identity accepted(String token) {
        return registry.verifyWithoutIo(token, null).orElseThrow();
    }

    @Test
    void acceptsAValidTokenAndNamesTheIssuerByItsConfiguredName() {
        Identity identity = accepted(sign(corpKey, claims(CORP, clock).build()));

        assertThat(identity.issuer()).isEqualTo("corp");
        assertThat(identity.user()).isEqualTo("alice");
        assertThat(identity.subject()).isEqualTo("f3a1c2d4-user");
        assertThat(identity.groups()).containsExactlyInAnyOrder("sre", "dev");
        assertThat(identity.clientId()).isEqualTo("web-app");
    }

    @Test
    void acceptsAnEcdsaTokenOfTheOtherIssuer() {
        Identity identity = accepted(sign(Tokens.ec("partner-1"), claims(PARTNER, clock).build()));

        assertThat(identity.issuer()).isEqualTo("partner");
    }

    @Test
    void acceptsRsaPssTokens() {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("corp-1").build();

        assertThat(accepted(sign(header, corpKey, claims(CORP, clock).build())).issuer()).isEqualTo("corp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void rejectsAMissingToken(String token) {
        assertThat(rejection(token)).isEqualTo(Reason.TOKEN_MISSING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30", "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln"})
    void rejectsWhatIsNotAJwtAsMalformed(String token) {
        assertThat(rejection(token)).isEqualTo(Reason.TOKEN_MALFORMED);
    }

    @Test
    void rejectsAnExpiredToken() {
        Date twoMinutesAgo = Date.from(clock.instant().minus(Duration.ofMinutes(2)));

        assertThat(rejection(sign(corpKey, claims(CORP, clock).expirationTime(twoMinutesAgo).build())))
                .isEqualTo(Reason.TOKEN_EXPIRED);
    }

    @Test
    void acceptsATokenExpiredWithinTheClockSkew() {
        Date tenSecondsAgo = Date.from(clock.instant().minusSeconds(10));

        assertThat(accepted(sign(corpKey, claims(CORP, clock).expirationTime(tenSecondsAgo).build()))).isNotNull();
    }

    @Test
    void rejectsATokenNotValidBeforeAMomentBeyondTheClockSkew() {
        Date inTwoMinutes = Date.from(clock.instant().plus(Duration.ofMinutes(2)));

        assertThat(rejection(sign(corpKey, claims(CORP, clock).notBeforeTime(inTwoMinutes).build())))
                .isEqualTo(Reason.TOKEN_NOT_YET_VALID);
    }

    @Test
    void rejectsATokenIssuedBeyondTheClockSkewInTheFuture() {
        Date inTwoMinutes = Date.from(clock.instant().plus(Duration.ofMinutes(2)));

        assertThat(rejection(sign(corpKey, claims(CORP, clock).issueTime(inTwoMinutes).build())))
                .isEqualTo(Reason.TOKEN_NOT_YET_VALID);
    }

    @Test
    void acceptsATokenIssuedWithinTheClockSkewInTheFuture() {
        Date inTenSeconds = Date.from(clock.instant().plusSeconds(10));

        assertThat(accepted(sign(corpKey, claims(CORP, clock).issueTime(inTenSeconds).build()))).isNotNull();
    }

    @Test
    void rejectsAJweHeaderWithAlgNoneAsMalformedNotAsABug() {
        String token = Tokens.raw("{\"alg\":\"none\",\"enc\":\"A256GCM\"}", "{\"iss\":\"" + CORP + "\"}", null);

        assertThat(rejection(token)).isEqualTo(Reason.TOKEN_MALFORMED);
    }

    @Test
    void acceptsATokenNotValidBeforeAMomentWithinTheClockSkew() {
        Date inTenSeconds = Date.from(clock.instant().plusSeconds(10));

        assertThat(accepted(sign(corpKey, claims(CORP, clock).notBeforeTime(inTenSeconds).build()))).isNotNull();
    }

    @Test
    void rejectsATokenWithoutExpiry() {
        assertThat(rejection(sign(corpKey, claims(CORP, clock).expirationTime(null).build())))
                .isEqualTo(Reason.CLAIM_MISSING);
    }

    @Test
    void rejectsATokenWithoutSubject() {
        assertThat(rejection(sign(corpKey, claims(CORP, clock).subject(null).build())))
                .isEqualTo(Reason.CLAIM_MISSING);
    }

    @Test
    void rejectsATokenWithoutIssuer() {
        assertThat(rejection(sign(corpKey, claims(CORP, clock).issuer(null).build())))
                .isEqualTo(Reason.CLAIM_MISSING);
    }

    @Test
    void rejectsATokenFromAnUnknownIssuer() {
        assertThat(rejection(sign(corpKey, claims("https://idp.evil.example", clock).build())))
                .isEqualTo(Reason.ISSUER_UNKNOWN);
    }

    @Test
    void rejectsAnIssMatchingOnlyAfterNormalization() {
        assertThat(rejection(sign(corpKey, claims(CORP + "/", clock).build()))).isEqualTo(Reason.ISSUER_UNKNOWN);
    }

    @Test
    void rejectsATokenSignedByOneIssuerClaimingToComeFromAnother() {
        assertThat(rejection(sign(corpKey, claims(PARTNER, clock).build()))).isEqualTo(Reason.KEY_UNKNOWN);
    }

    @Test
    void rejectsAnIssuerWithTheWrongIssValueWhenCalledDirectly() {
        TrustedIssuer corp = new TrustedIssuer(issuerWithKeysOf(corpKey, CORP), clock);

        assertThatThrownBy(() -> corp.verifyWithoutIo(SignedJWT.parse(sign(corpKey, claims(PARTNER, clock).build()))))
                .extracting(e -> ((AuthenticationFailed) e).reason()).isEqualTo(Reason.ISSUER_UNKNOWN);
    }

    @Test
    void rejectsATokenFromAnIssuerTheRouteDoesNotAccept() {
        String partnerToken = sign(Tokens.ec("partner-1"), claims(PARTNER, clock).build());

        assertThat(rejection(partnerToken, Set.of("corp"))).isEqualTo(Reason.ISSUER_NOT_ALLOWED);
    }

    @Test
    void rejectsACachedIdentityFromAnIssuerTheRouteDoesNotAccept() {
        String partnerToken = sign(Tokens.ec("partner-1"), claims(PARTNER, clock).build());
        accepted(partnerToken);

        assertThat(rejection(partnerToken, Set.of("corp"))).isEqualTo(Reason.ISSUER_NOT_ALLOWED);
    }

    @Test
    void rejectsATokenForAnotherAudience() {
        assertThat(rejection(sign(corpKey, claims(CORP, clock).audience("billing").build())))
                .isEqualTo(Reason.AUDIENCE_MISMATCH);
    }

    @Test
    void rejectsATokenWhoseAudienceArrayLacksTheGateway() {
        assertThat(rejection(sign(corpKey, claims(CORP, clock).audience(List.of("billing", "account")).build())))
                .isEqualTo(Reason.AUDIENCE_MISMATCH);
    }

    @Test
    void rejectsATokenWithoutAudience() {
        assertThat(rejection(sign(corpKey, claims(CORP, clock).audience((String) null).build())))
                .isEqualTo(Reason.AUDIENCE_MISMATCH);
    }

    @Test
    void acceptsATokenWhoseAudienceArrayContainsTheGateway() {
        // without azp: with one, it must name an audience or an authorized party (TokenStrictnessTest)
        assertThat(accepted(sign(corpKey, claims(CORP, clock).audience(List.of("account", "drawbridge"))
                .claim("azp", null).build()))).isNotNull();
    }

    @Test
    void rejectsATokenSignedByAnotherKeyUnderTheSameKid() {
        RSAKey impostor = Tokens.rsa("impostor");
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("corp-1").build();

        assertThat(rejection(sign(header, impostor, claims(CORP, clock).build()))).isEqualTo(Reason.SIGNATURE_INVALID);
    }

    @Test
    void rejectsATokenWhosePayloadWasChangedAfterSigning() {
        String[] parts = sign(corpKey, claims(CORP, clock).build()).split("\\.");
        String elevated = Base64URL.encode(claims(CORP, clock).claim("groups", List.of("admin")).build().toString())
                .toString();

        assertThat(rejection(parts[0] + "." + elevated + "." + parts[2])).isEqualTo(Reason.SIGNATURE_INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void rejectsUnsignedTokensWhateverTheSpellingOfNone(String alg) {
        String payload = claims(CORP, clock).build().toString();
        String header = "{\"alg\":\"" + alg + "\",\"kid\":\"corp-1\"}";

        assertThat(rejection(Tokens.raw(header, payload, null))).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
        assertThat(rejection(Tokens.raw(header, payload, Base64URL.encode("sig")))).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejectsHs256SignedWithTheRsaPublicKeyAsDer() throws Exception {
        byte[] der = corpKey.toRSAPublicKey().getEncoded();

        assertThat(rejection(hmacSigned(der))).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejectsHs256SignedWithTheRsaPublicKeyAsPem() throws Exception {
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(corpKey.toRSAPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";

        assertThat(rejection(hmacSigned(pem.getBytes(StandardCharsets.US_ASCII)))).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejectsHs256EvenWhenAnUncheckedConfigurationListsIt(@TempDir Path dir) throws Exception {
        Path jwks = dir.resolve("corp.json");
        Files.writeString(jwks, new JWKSet(corpKey).toPublicJWKSet().toString());
        registry = registry(new IssuerConfig("corp", CORP, null, null, jwks.toString(), List.of(Tokens.AUDIENCE),
                List.of("RS256", "HS256", "none"), null, null, null, null));

        assertThat(rejection(hmacSigned(corpKey.toRSAPublicKey().getEncoded()))).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
    }

    String hmacSigned(byte[] secret) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("corp-1").build(),
                claims(CORP, clock).build());
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    @Test
    void rejectsAnAlgorithmTheIssuerDoesNotList(@TempDir Path dir) throws Exception {
        Path jwks = dir.resolve("corp.json");
        Files.writeString(jwks, new JWKSet(corpKey).toPublicJWKSet().toString());
        registry = registry(new IssuerConfig("corp", CORP, null, null, jwks.toString(), List.of(Tokens.AUDIENCE),
                List.of("ES256"), null, null, null, null));

        assertThat(rejection(sign(corpKey, claims(CORP, clock).build()))).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejectsEdDsaWhichThisBuildCannotVerify() {
        String token = Tokens.raw("{\"alg\":\"EdDSA\",\"kid\":\"corp-1\"}", claims(CORP, clock).build().toString(),
                Base64URL.encode(new byte[64]));

        assertThat(rejection(token)).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejectsAnEcdsaSignatureWithRAndSZero() {
        String valid = sign(Tokens.ec("partner-1"), claims(PARTNER, clock).build());
        String zeros = Base64URL.encode(new byte[64]).toString();

        assertThat(rejection(valid.substring(0, valid.lastIndexOf('.') + 1) + zeros)).isEqualTo(Reason.SIGNATURE_INVALID);
    }

    @Test
    void ignoresAnEmbeddedJwkNamingTheAttackersOwnKey() {
        RSAKey attacker = Tokens.rsa("attacker");
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("attacker").jwk(attacker.toPublicJWK()).build();

        assertThat(rejection(sign(header, attacker, claims(CORP, clock).build()))).isEqualTo(Reason.KEY_UNKNOWN);
    }

    @Test
    void ignoresAnEmbeddedJwkUnderTheIssuersKid() {
        RSAKey attacker = Tokens.rsa("attacker");
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("corp-1").jwk(attacker.toPublicJWK()).build();

        assertThat(rejection(sign(header, attacker, claims(CORP, clock).build()))).isEqualTo(Reason.SIGNATURE_INVALID);
    }

    @Test
    void rejectsATokenWithACriticalHeaderParameter() {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("corp-1")
                .criticalParams(Set.of("urn:example:must-understand"))
                .customParam("urn:example:must-understand", true).build();

        assertThat(rejection(sign(header, corpKey, claims(CORP, clock).build()))).isEqualTo(Reason.TOKEN_INVALID);
    }

    @Test
    void rejectsATokenOfAnotherType() {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("corp-1")
                .type(new com.nimbusds.jose.JOSEObjectType("logout+jwt")).build();

        assertThat(rejection(sign(header, corpKey, claims(CORP, clock).build()))).isEqualTo(Reason.TOKEN_INVALID);
    }

    @Test
    void rejectsAnEncryptedToken() throws Exception {
        EncryptedJWT jwe = new EncryptedJWT(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM),
                claims(CORP, clock).build());
        jwe.encrypt(new RSAEncrypter(corpKey.toRSAPublicKey()));

        assertThat(rejection(jwe.serialize())).isEqualTo(Reason.TOKEN_INVALID);
    }

    @Test
    void rejectsATokenOverSixteenKibibytesBeforeParsingIt() {
        String padding = "x".repeat(UnverifiedToken.MAX_LENGTH);
        String token = sign(corpKey, claims(CORP, clock).claim("padding", padding).build());

        assertThat(rejection(token)).isEqualTo(Reason.TOKEN_MALFORMED);
    }

    @Test
    void rejectsDeeplyNestedClaimsFromTheIssuersOwnKey() {
        Object nested = "leaf";
        for (int i = 0; i < 20; i++) {
            nested = List.of(nested);
        }

        assertThat(rejection(sign(corpKey, claims(CORP, clock).claim("deep", nested).build())))
                .isEqualTo(Reason.TOKEN_MALFORMED);
    }

    @Test
    void rejectsClaimsNestedThousandsDeepWithoutOverflowingTheStack() {
        String payload = "{\"iss\":\"" + CORP + "\",\"deep\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        String token = Tokens.raw("{\"alg\":\"RS256\",\"kid\":\"corp-1\"}", payload, Base64URL.encode("sig"));

        assertThat(token.length()).isLessThan(UnverifiedToken.MAX_LENGTH);
        assertThat(rejection(token)).isEqualTo(Reason.TOKEN_MALFORMED);
    }

    @Test
    void checksTheExpiryOfACachedIdentityOnEachUse() {
        String token = sign(corpKey, claims(CORP, clock).build());
        accepted(token);

        clock.advance(Duration.ofMinutes(10));

        assertThat(rejection(token)).isEqualTo(Reason.TOKEN_EXPIRED);
    }

    @Test
    void refusesTwoIssuersWithTheSameIss() {
        IssuerConfig one = issuerWithKeysOf(corpKey, CORP);
        IssuerConfig two = new IssuerConfig("other", CORP, null, null, one.jwksFile(), one.audiences(),
                null, null, null, null, null);

        assertThatThrownBy(() -> registry(one, two)).isInstanceOf(IllegalArgumentException.class);
    }

    IssuerConfig issuerWithKeysOf(RSAKey key, String iss) {
        try {
            Path file = Files.createTempFile("jwks", ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, new JWKSet(key).toPublicJWKSet().toString());
            return Tokens.issuer("corp", iss, null, file.toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
