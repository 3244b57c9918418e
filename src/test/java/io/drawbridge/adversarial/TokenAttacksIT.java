package io.drawbridge.adversarial;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.KeyServer;
import io.drawbridge.testing.TestUpstream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bearer tokens an attacker forges, bends or replays, against one gateway whose issuers publish their keys over
 * HTTP. Every rejected token: 401 (or 503 when no keys are known), nothing upstream, a deny record with the
 * precise reason. The JWKS server counts fetches, so "never fetched" and "rate-limited" are measured, not assumed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenAttacksIT {

    private static final String CORP = "https://corp.test";

    private final KeyServer keys = new KeyServer();
    private final TestUpstream upstream = new TestUpstream();
    private RSAKey corpRsa;
    private RSAKey corpWeak;
    private ECKey corpEc;
    private RSAKey mallory;
    private RSAKey rotatingA;
    private RSAKey rotatingB;
    private RSAKey cached;
    private GatewayFixture gateway;
    private Probe probe;

    @BeforeAll
    void start(@TempDir java.nio.file.Path dir) throws Exception {
        corpRsa = rsa("corp-rsa");
        corpEc = new ECKeyGenerator(Curve.P_256).keyID("corp-ec").keyUse(KeyUse.SIGNATURE).generate();
        corpWeak = new RSAKeyGenerator(1024, true).keyID("corp-weak").keyUse(KeyUse.SIGNATURE).generate();
        mallory = rsa("mallory");
        // the other issuers' keys are told apart by kid and issuer; fresh RSA key pairs would only cost time
        rotatingA = renamed(mallory, "rot-a");
        rotatingB = renamed(corpRsa, "rot-b");
        cached = renamed(mallory, "cached");
        keys.publish("/corp/jwks", corpRsa, corpEc, corpWeak)
                .publish("/evil/jwks", mallory)
                .publish("/rotating/jwks", rotatingA)
                .publish("/cached/jwks", cached)
                .publish("/cold/jwks", renamed(corpRsa, "cold"));
        keys.fail("/cold/jwks", 503);
        String config = """
                server:
                  limits:
                    maxHeaderSize: 64k
                issuers:
                  - name: corp
                    issuer: https://corp.test
                    jwksUri: %s
                    audiences: [drawbridge]
                    keyRefreshRate: 1h
                  - name: rotating
                    issuer: https://rotating.test
                    jwksUri: %s
                    audiences: [drawbridge]
                    keyRefreshRate: 1s
                  - name: cached
                    issuer: https://cached.test
                    jwksUri: %s
                    audiences: [drawbridge]
                    keyCacheTtl: 1s
                    keyRefreshRate: 1s
                  - name: cold
                    issuer: https://cold.test
                    jwksUri: %s
                    audiences: [drawbridge]
                    keyRefreshRate: 1h
                policies:
                  sre:
                    allow:
                      - groups: [sre]
                """.formatted(keys.url("/corp/jwks"), keys.url("/rotating/jwks"), keys.url("/cached/jwks"),
                keys.url("/cold/jwks"));
        gateway = GatewayFixture.start(dir, config, Map.of("app.yaml", """
                - route:
                    id: app
                    from:
                      uri: gateway:/app
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=sre
                        - to: "drawbridge:proxy?upstream={{upstream}}&stripPrefix=true"
                """), Map.of("upstream", upstream.url()));
        probe = new Probe(gateway, upstream);
        awaitKeys();
    }

    /** The gateway fetches keys at start-up; the cases below assume that happened (or failed, for cold). */
    private void awaitKeys() throws InterruptedException {
        for (String issuer : List.of("corp", "rotating", "cached")) {
            Metrics.await(gateway, 1, 10_000, "drawbridge_jwks_fetches_total", "issuer=\"" + issuer + "\"",
                    "outcome=\"success\"");
        }
        Metrics.await(gateway, 1, 10_000, "drawbridge_jwks_fetches_total", "issuer=\"cold\"", "outcome=\"failure\"");
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
        keys.close();
    }

    // ---- forged tokens --------------------------------------------------------------------------------------

    Stream<Arguments> forgedTokens() throws Exception {
        List<Arguments> cases = new ArrayList<>();
        String claims = claims(CORP, b -> b).toString();
        String validSignature = sign(corpRsa, CORP, b -> b).split("\\.")[2];
        for (String none : List.of("none", "None", "NONE", "nOnE", "NoNe")) {
            cases.add(row("alg " + none + ", no signature", raw("{\"alg\":\"" + none + "\",\"typ\":\"JWT\"}",
                    claims, ""), "algorithm-not-allowed"));
            cases.add(row("alg " + none + " with the RSA kid and a real signature", raw("{\"alg\":\"" + none
                    + "\",\"kid\":\"corp-rsa\"}", claims, validSignature), "algorithm-not-allowed"));
        }
        cases.add(row("no alg at all", raw("{\"typ\":\"JWT\",\"kid\":\"corp-rsa\"}", claims, validSignature),
                "token-malformed"));
        byte[] der = corpRsa.toRSAPublicKey().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(der) + "\n-----END PUBLIC KEY-----";
        Map<String, byte[]> publicKeyAsSecret = new java.util.LinkedHashMap<>();
        publicKeyAsSecret.put("PEM", pem.getBytes(StandardCharsets.US_ASCII));
        publicKeyAsSecret.put("PEM with newline", (pem + "\n").getBytes(StandardCharsets.US_ASCII));
        publicKeyAsSecret.put("DER", der);
        publicKeyAsSecret.put("JWK JSON", corpRsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8));
        publicKeyAsSecret.put("JWK n (bytes)", corpRsa.getModulus().decode());
        publicKeyAsSecret.put("JWK n (text)", corpRsa.getModulus().toString().getBytes(StandardCharsets.US_ASCII));
        for (var secret : publicKeyAsSecret.entrySet()) {
            for (JWSAlgorithm hs : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
                cases.add(row(hs + " keyed with the public key as " + secret.getKey(),
                        hmac(hs, secret.getValue()), "algorithm-not-allowed"));
            }
        }
        cases.add(row("embedded jwk of the attacker's key, attacker kid", signed(mallory,
                header(JWSAlgorithm.RS256, "mallory").jwk(mallory.toPublicJWK()), claims(CORP, b -> b)), "key-unknown"));
        cases.add(row("embedded jwk of the attacker's key, issuer's kid", signed(mallory,
                header(JWSAlgorithm.RS256, "corp-rsa").jwk(mallory.toPublicJWK()), claims(CORP, b -> b)),
                "signature-invalid"));
        cases.add(row("embedded jwk, no kid", signed(mallory, new JWSHeader.Builder(JWSAlgorithm.RS256)
                .jwk(mallory.toPublicJWK()), claims(CORP, b -> b)), "signature-invalid"));
        cases.add(row("jku at the attacker's JWKS", signed(mallory, header(JWSAlgorithm.RS256, "mallory")
                .jwkURL(URI.create(keys.url("/evil/jwks"))), claims(CORP, b -> b)), "key-unknown"));
        cases.add(row("jku with the issuer's kid", signed(mallory, header(JWSAlgorithm.RS256, "corp-rsa")
                .jwkURL(URI.create(keys.url("/evil/jwks"))), claims(CORP, b -> b)), "signature-invalid"));
        cases.add(row("x5u at the attacker's server", signed(mallory, header(JWSAlgorithm.RS256, "mallory")
                .x509CertURL(URI.create(keys.url("/evil/cert.pem"))), claims(CORP, b -> b)), "key-unknown"));
        cases.add(row("jku and x5u at the attacker's server, no kid", signed(mallory,
                new JWSHeader.Builder(JWSAlgorithm.RS256).jwkURL(URI.create(keys.url("/evil/jwks")))
                        .x509CertURL(URI.create(keys.url("/evil/cert.pem"))), claims(CORP, b -> b)),
                "signature-invalid"));
        cases.add(row("the attacker's key under the issuer's kid", signed(mallory,
                header(JWSAlgorithm.RS256, "corp-rsa"), claims(CORP, b -> b)), "signature-invalid"));
        for (String kid : List.of("../../../../../../etc/passwd", "/dev/null", "' OR '1'='1", "corp-rsa' -- ",
                "corp-rsa\u0000", "${jndi:ldap://127.0.0.1:1/a}", "CORP-RSA", "corp-rsa ", "", "*",
                "A".repeat(6000))) {
            cases.add(row("hostile kid " + UnverifiedClip.clip(kid), signed(corpRsa, header(JWSAlgorithm.RS256,
                    kid), claims(CORP, b -> b)), "key-unknown"));
        }
        cases.add(row("kid not a string", raw("{\"alg\":\"RS256\",\"kid\":123}", claims, validSignature),
                "token-malformed"));
        cases.add(row("RS256 header over the EC key's kid", signed(corpRsa, header(JWSAlgorithm.RS256, "corp-ec"),
                claims(CORP, b -> b)), "key-unknown"));
        // CVE-2022-21449: r = s = 0 verified by Java 15-18's ECDSA as valid for any message and key
        byte[] zeroDer = {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00};
        String ecHeader = "{\"alg\":\"ES256\",\"kid\":\"corp-ec\",\"typ\":\"JWT\"}";
        cases.add(row("ES256 r=s=0 (JWS encoding)", raw(ecHeader, claims,
                Base64URL.encode(ECDSA.transcodeSignatureToConcat(zeroDer, 64)).toString()), "signature-invalid"));
        cases.add(row("ES256 r=s=0 (DER encoding)", raw(ecHeader, claims, Base64URL.encode(zeroDer).toString()),
                "signature-invalid"));
        byte[] order = unsigned32(Curve.P_256.toECParameterSpec().getOrder());
        byte[] orderPair = new byte[64];
        System.arraycopy(order, 0, orderPair, 0, 32);
        System.arraycopy(order, 0, orderPair, 32, 32);
        cases.add(row("ES256 r=s=n (the curve order)", raw(ecHeader, claims, Base64URL.encode(orderPair).toString()),
                "signature-invalid"));
        cases.add(row("ES384 r=s=0 over the P-256 key", raw("{\"alg\":\"ES384\",\"kid\":\"corp-ec\"}", claims,
                Base64URL.encode(new byte[96]).toString()), "token-invalid"));
        cases.add(row("PS256 header, RS256 signature", raw("{\"alg\":\"PS256\",\"kid\":\"corp-rsa\"}", claims,
                validSignature), "signature-invalid"));
        cases.add(row("signature of another token", raw("{\"alg\":\"RS256\",\"kid\":\"corp-rsa\"}",
                claims(CORP, b -> b.subject("admin")).toString(), validSignature), "signature-invalid"));
        cases.add(row("signature stripped", raw("{\"alg\":\"RS256\",\"kid\":\"corp-rsa\"}", claims, ""),
                "token-malformed"));
        cases.add(row("JWE (RSA-OAEP-256 to the issuer's public key) around an unsigned JWT", jweAroundPlain(
                new RSAEncrypter(corpRsa.toRSAPublicKey()), JWEAlgorithm.RSA_OAEP_256), "token-invalid"));
        cases.add(row("JWE (dir) around an unsigned JWT", jweAroundPlain(new DirectEncrypter(new byte[32]),
                JWEAlgorithm.DIR), "token-invalid"));
        cases.add(row("JWE header with alg none", raw("{\"alg\":\"none\",\"enc\":\"A256GCM\"}", claims, ""),
                "token-malformed"));
        cases.add(row("crit names a header parameter nobody understands", signed(corpRsa,
                header(JWSAlgorithm.RS256, "corp-rsa").criticalParams(java.util.Set.of("x-policy"))
                        .customParam("x-policy", "admin"), claims(CORP, b -> b)), "token-invalid"));
        cases.add(row("crit b64=false (unencoded payload)", signed(corpRsa, header(JWSAlgorithm.RS256, "corp-rsa")
                .base64URLEncodePayload(false).criticalParams(java.util.Set.of("b64")), claims(CORP, b -> b)),
                "token-malformed"));
        cases.add(row("typ other than an access token", signed(corpRsa, header(JWSAlgorithm.RS256, "corp-rsa")
                .type(new JOSEObjectType("logout+jwt")), claims(CORP, b -> b)), "token-invalid"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgedTokens")
    void refusesForgedTokensWithoutFetchingAnything(String name, String token, String reason) {
        int evilFetches = keys.hits("/evil/jwks") + keys.hits("/evil/cert.pem");
        int corpFetches = keys.hits("/corp/jwks");
        probe.get("/app/x", "Authorization: Bearer " + token).refused(401, reason);
        assertThat(keys.hits("/evil/jwks") + keys.hits("/evil/cert.pem")).as("fetches of attacker URLs")
                .isEqualTo(evilFetches).isZero();
        assertThat(keys.hits("/corp/jwks")).as("JWKS fetches caused by the token").isEqualTo(corpFetches);
    }

    // ---- well-signed tokens with the wrong claims -----------------------------------------------------------

    Stream<Arguments> wrongClaims() {
        Instant now = Instant.now();
        return Stream.of(
                row("iss of no trusted issuer", sign(corpRsa, "https://evil.test", b -> b), "issuer-unknown"),
                row("iss with a trailing slash", sign(corpRsa, CORP + "/", b -> b), "issuer-unknown"),
                row("iss in another letter case", sign(corpRsa, "https://CORP.test", b -> b), "issuer-unknown"),
                row("iss of another trusted issuer, signed with corp's key", sign(corpRsa, "https://rotating.test",
                        b -> b), "key-unknown"),
                row("no iss", sign(corpRsa, null, b -> b), "claim-missing"),
                row("aud of another service", sign(corpRsa, CORP, b -> b.audience("billing")), "audience-mismatch"),
                row("aud in another letter case", sign(corpRsa, CORP, b -> b.audience("Drawbridge")),
                        "audience-mismatch"),
                row("no aud, azp names the gateway", sign(corpRsa, CORP, b -> b.audience((String) null)
                        .claim("azp", "drawbridge")), "audience-mismatch"),
                row("expired an hour ago", sign(corpRsa, CORP, b -> b.expirationTime(Date.from(now.minusSeconds(3600)))),
                        "token-expired"),
                row("expired beyond the clock skew", sign(corpRsa, CORP, b -> b.expirationTime(
                        Date.from(now.minusSeconds(40)))), "token-expired"),
                row("no exp", sign(corpRsa, CORP, b -> b.expirationTime(null)), "claim-missing"),
                row("no sub", sign(corpRsa, CORP, b -> b.subject(null)), "claim-missing"),
                row("nbf in an hour", sign(corpRsa, CORP, b -> b.notBeforeTime(Date.from(now.plusSeconds(3600)))),
                        "token-not-yet-valid"),
                row("iat in an hour", sign(corpRsa, CORP, b -> b.issueTime(Date.from(now.plusSeconds(3600)))),
                        "token-not-yet-valid"),
                row("exp as text", sign(corpRsa, CORP, b -> b.claim("exp", "tomorrow")), "token-malformed"),
                row("iss as an array", sign(corpRsa, CORP, b -> b.claim("iss", List.of(CORP))), "token-malformed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongClaims")
    void refusesWellSignedTokensWithTheWrongClaims(String name, String token, String reason) {
        probe.get("/app/x", "Authorization: Bearer " + token).refused(401, reason);
    }

    // ---- what careful validators refuse --------------------------------------------------------------------

    Stream<Arguments> carefullyRefused() throws Exception {
        Instant now = Instant.now();
        String canonical = sign(corpRsa, CORP, b -> b.claim("pad", "ab"));
        String[] parts = canonical.split("\\.");
        List<Arguments> cases = new ArrayList<>(List.of(
                row("empty crit", signedRaw("{\"alg\":\"RS256\",\"kid\":\"corp-rsa\",\"crit\":[]}",
                        claims(CORP, b -> b).toString()), "token-malformed"),
                row("empty crit, escaped name", signedRaw("{\"alg\":\"RS256\",\"kid\":\"corp-rsa\",\"\\u0063rit\":[]}",
                        claims(CORP, b -> b).toString()), "token-malformed"),
                row("empty sub", sign(corpRsa, CORP, b -> b.subject("")), "claim-missing"),
                row("azp of another client, two audiences", sign(corpRsa, CORP, b -> b.audience(List.of("drawbridge",
                        "billing")).claim("azp", "billing")), "azp-not-allowed"),
                row("exp a thousand years away", sign(corpRsa, CORP, b -> b.expirationTime(Date.from(now.plus(
                        java.time.Duration.ofDays(365_000))))), "token-lifetime-exceeded"),
                row("exp in milliseconds", sign(corpRsa, CORP, b -> b.claim("exp", now.toEpochMilli())),
                        "token-lifetime-exceeded"),
                row("25 h from nbf, no iat", sign(corpRsa, CORP, b -> b.issueTime(null).notBeforeTime(Date.from(now))
                        .expirationTime(Date.from(now.plus(java.time.Duration.ofHours(25))))),
                        "token-lifetime-exceeded"),
                row("payload with a byte-order mark", signedPayload("\ufeff" + claims(CORP, b -> b)),
                        "token-malformed"),
                row("header with a byte-order mark", signedRaw("\ufeff{\"alg\":\"RS256\",\"kid\":\"corp-rsa\"}",
                        claims(CORP, b -> b).toString()), "token-malformed"),
                row("signed by a 1024-bit RSA key in the issuer's JWKS", weakSigned(), "key-too-weak")));
        for (int i = 0; i < 3; i++) {
            String[] respelled = parts.clone();
            respelled[i] = java.util.Base64.getEncoder().withoutPadding().encodeToString(java.util.Base64
                    .getUrlDecoder().decode(parts[i]));
            if (!respelled[i].equals(parts[i])) {
                cases.add(row("segment " + (i + 1) + " in the standard alphabet", String.join(".", respelled),
                        "token-noncanonical"));
            }
            String[] padded = parts.clone();
            padded[i] = parts[i] + "=".repeat((4 - parts[i].length() % 4) % 4);
            if (!padded[i].equals(parts[i])) { // '=' inside a credential is no RFC 6750 b64token at all
                cases.add(row("segment " + (i + 1) + " padded", String.join(".", padded),
                        i == 2 ? "token-noncanonical" : "token-malformed"));
            }
            String[] bits = parts.clone();
            bits[i] = withTrailingBits(parts[i]);
            if (bits[i] != null) {
                cases.add(row("segment " + (i + 1) + " with non-zero trailing bits", String.join(".", bits),
                        "token-noncanonical"));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("carefullyRefused")
    void refusesWhatCarefulValidatorsRefuse(String name, String token, String reason) {
        probe.get("/app/x", "Authorization: Bearer " + token).refused(401, reason);
    }

    @Test
    void theCanonicalSpellingsStillPassAndWeakKeysAreCounted() throws Exception {
        probe.get("/app/x", "Authorization: Bearer " + sign(corpRsa, CORP, b -> b.claim("pad", "ab"))).forwarded(200);
        probe.get("/app/x", "Authorization: Bearer " + sign(corpRsa, CORP, b -> b.audience(List.of("drawbridge",
                "account")).claim("azp", "drawbridge"))).forwarded(200);
        probe.get("/app/x", "Authorization: Bearer " + sign(corpRsa, CORP, b -> b.expirationTime(Date.from(
                Instant.now().plus(java.time.Duration.ofHours(23)))))).forwarded(200);
        double before = Metrics.sum(gateway, "drawbridge_jwks_weak_key_refusals_total", "issuer=\"corp\"");
        probe.get("/app/x", "Authorization: Bearer " + weakSigned()).refused(401, "key-too-weak");
        assertThat(Metrics.sum(gateway, "drawbridge_jwks_weak_key_refusals_total", "issuer=\"corp\""))
                .isEqualTo(before + 1);
    }

    private String weakSigned() throws JOSEException {
        var jws = new JWSObject(header(JWSAlgorithm.RS256, "corp-weak").build(),
                new Payload(claims(CORP, b -> b).toJSONObject()));
        jws.sign(new RSASSASigner(corpWeak.toPrivateKey(), true));
        return jws.serialize();
    }

    /** Header and payload text as given, signed with corp's real key. */
    private String signedRaw(String headerJson, String payloadJson) throws Exception {
        String input = Base64URL.encode(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + Base64URL.encode(payloadJson.getBytes(StandardCharsets.UTF_8));
        var signature = java.security.Signature.getInstance("SHA256withRSA");
        signature.initSign(corpRsa.toPrivateKey());
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64URL.encode(signature.sign());
    }

    /** The same bytes with a spare bit of the last character set, or null when it has no spare bits. */
    private static String withTrailingBits(String segment) {
        if (segment.length() % 4 == 0) {
            return null;
        }
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(segment.charAt(segment.length() - 1));
        return segment.substring(0, segment.length() - 1) + alphabet.charAt(last | 1);
    }

    // ---- tokens that are not tokens -------------------------------------------------------------------------

    Stream<Arguments> malformedTokens() throws Exception {
        String valid = sign(corpRsa, CORP, b -> b);
        String nested = "[".repeat(4000) + "]".repeat(4000);
        return Stream.of(
                row("one segment", "abc", "token-malformed"),
                row("two segments", "abc.def", "token-malformed"),
                row("four segments", valid + ".x", "token-malformed"),
                row("five empty segments", "....", "token-malformed"),
                row("header not base64url", "!!!." + valid.split("\\.")[1] + ".x", "token-malformed"),
                row("header not JSON", Base64URL.encode("hello") + "." + valid.split("\\.")[1] + ".x",
                        "token-malformed"),
                row("header a JSON array", Base64URL.encode("[\"RS256\"]") + "." + valid.split("\\.")[1] + ".x",
                        "token-malformed"),
                row("claims a JSON array", signedPayload("[1,2,3]"), "token-malformed"),
                row("claims not JSON", signedPayload("not json"), "token-malformed"),
                row("claims nested 4000 deep", signedPayload("{\"iss\":\"" + CORP + "\",\"x\":" + nested + "}"),
                        "token-malformed"),
                row("claims nested 17 deep", signedPayload(claims(CORP, b -> b.claim("x", deepList(17))).toString()),
                        "token-malformed"),
                row("header nested 4000 deep", raw("{\"alg\":\"RS256\",\"kid\":\"corp-rsa\",\"x\":" + nested + "}",
                        claims(CORP, b -> b).toString(), valid.split("\\.")[2]), "token-malformed"),
                row("over 16 KiB", sign(corpRsa, CORP, b -> b.claim("pad", "x".repeat(17_000))), "token-malformed"),
                row("duplicate alg in the header", raw("{\"alg\":\"RS256\",\"alg\":\"none\",\"kid\":\"corp-rsa\"}",
                        claims(CORP, b -> b).toString(), valid.split("\\.")[2]), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedTokens")
    void refusesMalformedTokens(String name, String token, String reason) {
        probe.get("/app/x", "Authorization: Bearer " + token).refused(401, reason);
    }

    Stream<Arguments> badCredentials() {
        String valid = sign(corpRsa, CORP, b -> b);
        return Stream.of(
                Arguments.of("no Authorization", List.of(), "token-missing"),
                Arguments.of("Basic credentials", List.of("Authorization: Basic YWxpY2U6YWxpY2U="), "token-missing"),
                Arguments.of("Bearer with nothing", List.of("Authorization: Bearer "), "token-malformed"),
                Arguments.of("two tokens in one header", List.of("Authorization: Bearer " + valid + " " + valid),
                        "token-malformed"),
                Arguments.of("two Authorization headers", List.of("Authorization: Bearer " + valid,
                        "Authorization: Bearer " + valid), "token-malformed"),
                Arguments.of("token in a cookie", List.of("Cookie: access_token=" + valid), "token-missing"),
                Arguments.of("token in X-Forwarded-Access-Token", List.of("X-Forwarded-Access-Token: " + valid),
                        "token-missing"),
                Arguments.of("token in the query only", List.of(), "token-missing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCredentials")
    void refusesCredentialsThatAreNotOneBearerToken(String name, List<String> headers, String reason) {
        String target = name.contains("query") ? "/app/x?access_token=" + sign(corpRsa, CORP, b -> b) : "/app/x";
        probe.get(target, headers.toArray(String[]::new)).refused(401, reason);
    }

    // ---- what must keep working -----------------------------------------------------------------------------

    @Test
    void acceptsTheIssuersOwnTokensAsControls() throws Exception {
        assertThat(probe.get("/app/x", "Authorization: Bearer " + sign(corpRsa, CORP, b -> b)).forwarded(200)
                .all("X-Forwarded-User")).containsExactly("alice");
        SignedJWT es = new SignedJWT(header(JWSAlgorithm.ES256, "corp-ec").build(), claims(CORP, b -> b));
        es.sign(new ECDSASigner(corpEc));
        probe.get("/app/x", "Authorization: Bearer " + es.serialize()).forwarded(200);
        probe.get("/app/x", "Authorization: bEARER " + sign(corpRsa, CORP, b -> b.audience(List.of("x",
                "drawbridge")))).forwarded(200);
        probe.get("/app/x", "Authorization: Bearer " + sign(corpRsa, CORP, b -> b.expirationTime(
                Date.from(Instant.now().minusSeconds(10))))).forwarded(200); // within the 30 s skew
    }

    // ---- the issuers' keys ----------------------------------------------------------------------------------

    @Test
    void aFloodOfUnknownKidsCostsNoFetchWithinTheRefreshRate() {
        int before = keys.hits("/corp/jwks");
        for (int i = 0; i < 40; i++) {
            probe.get("/app/x", "Authorization: Bearer " + sign(corpRsa, header(JWSAlgorithm.RS256,
                    "kid-" + UUID.randomUUID()), CORP)).refused(401, "key-unknown");
        }
        assertThat(keys.hits("/corp/jwks")).isEqualTo(before);
    }

    @Test
    void withoutAnyKeysItFailsClosedAndAFloodCostsNoFetch() {
        assertThat(keys.hits("/cold/jwks")).isEqualTo(1); // the start-up fetch, answered 503
        for (int i = 0; i < 40; i++) {
            probe.get("/app/x", "Authorization: Bearer " + sign(renamed(corpRsa, "cold"), header(JWSAlgorithm.RS256,
                    i == 0 ? "cold" : "kid-" + i), "https://cold.test")).refused(503, "issuer-unavailable");
        }
        assertThat(keys.hits("/cold/jwks")).isEqualTo(1);
    }

    @Test
    void picksUpARotatedKeyAndDropsTheRemovedOne() throws Exception {
        String iss = "https://rotating.test";
        probe.get("/app/x", "Authorization: Bearer " + sign(rotatingA, iss, b -> b)).forwarded(200);
        keys.publish("/rotating/jwks", rotatingB);
        Thread.sleep(1100); // keyRefreshRate: 1s
        probe.get("/app/x", "Authorization: Bearer " + sign(rotatingB, iss, b -> b)).forwarded(200);
        probe.get("/app/x", "Authorization: Bearer " + sign(rotatingA, iss, b -> b.jwtID("fresh")))
                .refused(401, "key-unknown");
    }

    @Test
    void keepsTheLastKeysWhileTheJwksIsDown() throws Exception {
        String iss = "https://cached.test";
        probe.get("/app/x", "Authorization: Bearer " + sign(cached, iss, b -> b)).forwarded(200);
        keys.fail("/cached/jwks", 500);
        int before = keys.hits("/cached/jwks");
        Thread.sleep(1100); // keyCacheTtl: 1s, so the next request tries to fetch
        for (int i = 0; i < 10; i++) {
            String jti = "n" + i;
            probe.get("/app/x", "Authorization: Bearer " + sign(cached, iss, b -> b.jwtID(jti))).forwarded(200);
        }
        assertThat(keys.hits("/cached/jwks") - before).isBetween(1, 2);
        keys.fail("/cached/jwks", 0);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static Arguments row(String name, String token, String reason) {
        return Arguments.of(name, token, reason);
    }

    private static RSAKey rsa(String kid) {
        return KEY_CACHE.computeIfAbsent(kid, k -> {
            try {
                return new RSAKeyGenerator(2048).keyID(k).keyUse(KeyUse.SIGNATURE).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static RSAKey renamed(RSAKey key, String kid) {
        return new RSAKey.Builder(key).keyID(kid).build();
    }

    private static final Map<String, RSAKey> KEY_CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    private static JWTClaimsSet claims(String iss, UnaryOperator<JWTClaimsSet.Builder> adjust) {
        Instant now = Instant.now();
        return adjust.apply(new JWTClaimsSet.Builder().issuer(iss).subject("alice-id").audience("drawbridge")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString())
                .claim("preferred_username", "alice").claim("groups", List.of("sre"))).build();
    }

    private static JWSHeader.Builder header(JWSAlgorithm alg, String kid) {
        return new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT);
    }

    private static String sign(RSAKey key, String iss, UnaryOperator<JWTClaimsSet.Builder> adjust) {
        return signed(key, header(JWSAlgorithm.RS256, key.getKeyID()), claims(iss, adjust));
    }

    private static String sign(RSAKey key, JWSHeader.Builder header, String iss) {
        return signed(key, header, claims(iss, b -> b));
    }

    private static String signed(JWK key, JWSHeader.Builder header, JWTClaimsSet claims) {
        try {
            JWSHeader h = header.build();
            if (!h.isBase64URLEncodePayload()) {
                var jws = new JWSObject(h, new Payload(claims.toString()));
                jws.sign(new RSASSASigner((RSAKey) key));
                return jws.serialize();
            }
            var jwt = new SignedJWT(h, claims);
            jwt.sign(new RSASSASigner((RSAKey) key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs arbitrary payload text with the issuer's real key: the signature is right, the content is not. */
    private String signedPayload(String payload) throws JOSEException {
        var jws = new JWSObject(header(JWSAlgorithm.RS256, "corp-rsa").build(), new Payload(payload));
        jws.sign(new RSASSASigner(corpRsa));
        return jws.serialize();
    }

    private static String hmac(JWSAlgorithm alg, byte[] secret) throws JOSEException {
        byte[] key = secret;
        int min = alg == JWSAlgorithm.HS256 ? 32 : alg == JWSAlgorithm.HS384 ? 48 : 64;
        if (key.length < min) { // MACSigner refuses short secrets; the attack still uses the key's bytes
            key = java.util.Arrays.copyOf(secret, min);
        }
        var jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID("corp-rsa").type(JOSEObjectType.JWT).build(),
                claims(CORP, b -> b));
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }

    private static String jweAroundPlain(com.nimbusds.jose.JWEEncrypter encrypter, JWEAlgorithm alg)
            throws JOSEException {
        var plain = new PlainJWT(claims(CORP, b -> b));
        var jwe = new JWEObject(new JWEHeader.Builder(alg, EncryptionMethod.A256GCM).contentType("JWT").build(),
                new Payload(plain.serialize()));
        jwe.encrypt(encrypter);
        return jwe.serialize();
    }

    private static String raw(String headerJson, String payloadJson, String signature) {
        return Base64URL.encode(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + Base64URL.encode(payloadJson.getBytes(StandardCharsets.UTF_8)) + "." + signature;
    }

    private static Object deepList(int depth) {
        Object value = "leaf";
        for (int i = 1; i < depth; i++) {
            value = List.of(value);
        }
        return value;
    }

    private static byte[] unsigned32(BigInteger n) {
        byte[] bytes = n.toByteArray();
        byte[] out = new byte[32];
        System.arraycopy(bytes, Math.max(0, bytes.length - 32), out, Math.max(0, 32 - bytes.length),
                Math.min(32, bytes.length));
        return out;
    }

    /** Case names stay readable when the input is long. */
    private static final class UnverifiedClip {
        static String clip(String s) {
            String printable = s.replace("\u0000", "\\0");
            return printable.length() <= 40 ? "'" + printable + "'" : "'" + printable.substring(0, 20) + "...' ("
                    + s.length() + " chars)";
        }
    }
}
