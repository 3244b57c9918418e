package io.drawbridge.authn;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.RSAKey;
import io.drawbridge.Reason;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.identity.Identity;
import io.drawbridge.testing.KeyServer;
import io.drawbridge.testing.TestClock;
import io.drawbridge.testing.Tokens;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.drawbridge.testing.KeyServer.JWKS_PATH;
import static io.drawbridge.testing.Tokens.claims;
import static io.drawbridge.testing.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keys fetched over HTTP from a real local JWKS server, counting its requests: lazy fetching, the rate limit on
 * unknown kids, rotation, outages, discovery, and key locations in the token that must never be fetched.
 * The issuer's defaults apply: keys cached 5 minutes, at most one fetch per 30 seconds.
 */
class IssuerKeysIT {

    static final Duration REFRESH_RATE = Duration.ofSeconds(30);

    final TestClock clock = new TestClock();
    final KeyServer idp = KeyServer.start();
    final RSAKey current = Tokens.rsa("key-1");
    final String iss = idp.url("/realms/corp");

    @AfterEach
    void stopServer() {
        idp.close();
    }

    IssuerRegistry registry(IssuerConfig config) {
        return new IssuerRegistry(List.of(new TrustedIssuer(config, clock)), new VerifiedTokens(1000, clock));
    }

    IssuerRegistry registryOnJwksUri() {
        return registry(Tokens.issuer("corp", iss, idp.url(JWKS_PATH), null));
    }

    String token(RSAKey key) {
        return sign(key, claims(iss, clock).build());
    }

    static Reason reason(Runnable verification) {
        try {
            verification.run();
            throw new AssertionError("accepted");
        } catch (AuthenticationFailed failure) {
            return failure.reason();
        }
    }

    @Test
    void fetchesNothingUntilATokenNeedsTheKeys() {
        idp.publish(current);
        IssuerRegistry registry = registryOnJwksUri();

        assertThat(idp.totalHits()).isZero();
        assertThat(registry.verifyWithoutIo(token(current), null)).isEmpty();
        assertThat(idp.totalHits()).isZero();

        assertThat(registry.verify(token(current), null).user()).isEqualTo("alice");
        assertThat(idp.hits(JWKS_PATH)).isEqualTo(1);
    }

    @Test
    void verifiesInMemoryOnceTheKeysAreFetched() {
        idp.publish(current);
        IssuerRegistry registry = registryOnJwksUri();
        registry.verify(token(current), null);

        String another = sign(current, claims(iss, clock).subject("bob").build());
        Optional<Identity> identity = registry.verifyWithoutIo(another, null);

        assertThat(identity).get().extracting(Identity::subject).isEqualTo("bob");
        assertThat(idp.hits(JWKS_PATH)).isEqualTo(1);
    }

    @Test
    void fetchesOnceForAnUnknownKid() {
        idp.publish(current);
        IssuerRegistry registry = registryOnJwksUri();
        registry.verify(token(current), null);
        clock.advance(REFRESH_RATE);

        assertThat(registry.verifyWithoutIo(token(Tokens.rsa("unknown")), null)).isEmpty();
        assertThat(reason(() -> registry.verify(token(Tokens.rsa("unknown")), null))).isEqualTo(Reason.KEY_UNKNOWN);
        assertThat(idp.hits(JWKS_PATH)).isEqualTo(2);
    }

    @Test
    void fetchesAtMostOncePerRefreshIntervalForAFloodOfUnknownKids() throws Exception {
        idp.publish(current);
        IssuerRegistry registry = registryOnJwksUri();
        registry.verify(token(current), null);
        clock.advance(REFRESH_RATE);
        List<String> flood = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            flood.add(sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("kid-" + i).build(),
                    current, claims(iss, clock).build()));
        }

        List<Reason> reasons = concurrently(flood, token -> reason(() -> registry.verify(token, null)));
        assertThat(reasons).containsOnly(Reason.KEY_UNKNOWN);
        assertThat(idp.hits(JWKS_PATH)).isEqualTo(2);

        // while the interval lasts, unknown kids are refused in memory, without a worker
        assertThat(reason(() -> registry.verifyWithoutIo(flood.get(0), null))).isEqualTo(Reason.KEY_UNKNOWN);

        clock.advance(REFRESH_RATE);
        concurrently(flood, token -> reason(() -> registry.verify(token, null)));
        assertThat(idp.hits(JWKS_PATH)).isEqualTo(3);
    }

    static <T, R> List<R> concurrently(List<T> inputs, java.util.function.Function<T, R> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T input : inputs) {
                futures.add(pool.submit((Callable<R>) () -> work.apply(input)));
            }
            List<R> results = new ArrayList<>();
            for (Future<R> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void picksUpARotatedKeyAfterTheRefreshInterval() {
        idp.publish(current);
        IssuerRegistry registry = registryOnJwksUri();
        registry.verify(token(current), null);
        RSAKey next = Tokens.rsa("key-2");
        idp.publish(current, next);

        assertThat(reason(() -> registry.verify(token(next), null))).isEqualTo(Reason.KEY_UNKNOWN);
        clock.advance(REFRESH_RATE);

        assertThat(registry.verify(token(next), null).issuer()).isEqualTo("corp");
        assertThat(idp.hits(JWKS_PATH)).isEqualTo(2);
    }

    @Test
    void dropsARetiredKeyWhenTheCachedKeysExpire() {
        idp.publish(current);
        IssuerRegistry registry = registryOnJwksUri();
        registry.verify(token(current), null);
        idp.publish(Tokens.rsa("key-2"));
        clock.advance(Duration.ofMinutes(5));

        assertThat(registry.verifyWithoutIo(token(current), null)).isEmpty();
        assertThat(reason(() -> registry.verify(token(current), null))).isEqualTo(Reason.KEY_UNKNOWN);
        assertThat(idp.hits(JWKS_PATH)).isEqualTo(2);
    }

    /** A token valid for an hour: longer than the keys are cached, so only the key's removal can end it. */
    String longLived(RSAKey key) {
        return sign(key, claims(iss, clock).expirationTime(java.util.Date.from(clock.instant()
                .plus(Duration.ofHours(1)))).build());
    }

    @Test
    void aKeyPulledFromTheJwksStopsTheTokensItVerifiedWithinTheKeyCacheTtl() {
        idp.publish(current);
        IssuerRegistry registry = registryOnJwksUri();
        String token = longLived(current);
        registry.verify(token, null);
        assertThat(registry.verifyWithoutIo(token, null)).isPresent();
        idp.publish(Tokens.rsa("key-2")); // key-1 pulled: compromised
        clock.advance(Duration.ofMinutes(5));

        assertThat(registry.verifyWithoutIo(token, null)).as("keys due: not answered from the cache").isEmpty();
        assertThat(reason(() -> registry.verify(token, null))).isEqualTo(Reason.KEY_UNKNOWN);
        assertThat(reason(() -> registry.verifyWithoutIo(token, null))).isEqualTo(Reason.KEY_UNKNOWN);
        assertThat(idp.hits(JWKS_PATH)).isEqualTo(2);
    }

    @Test
    void aKeyPulledIsNoticedAtOnceWhenAnotherTokenMakesTheKeysBeFetched() {
        idp.publish(current);
        IssuerRegistry registry = registryOnJwksUri();
        String token = longLived(current);
        registry.verify(token, null);
        RSAKey next = Tokens.rsa("key-2");
        idp.publish(next);
        clock.advance(REFRESH_RATE);

        assertThat(registry.verify(token(next), null).issuer()).isEqualTo("corp"); // an unknown kid: a fetch
        assertThat(reason(() -> registry.verifyWithoutIo(token, null))).isEqualTo(Reason.KEY_UNKNOWN);
    }

    @Test
    void tokensOfKeysStillPublishedStayRememberedAcrossARefetch() {
        RSAKey next = Tokens.rsa("key-2");
        idp.publish(current, next);
        IssuerRegistry registry = registryOnJwksUri();
        String token = longLived(current);
        registry.verify(token, null);
        idp.publish(current);
        clock.advance(Duration.ofMinutes(5));
        registry.verify(token(current), null); // a fetch: key-2 is gone, key-1 stays

        long hits = registry.verifiedTokens().hitsAndMisses()[0];
        assertThat(registry.verifyWithoutIo(token, null)).isPresent();
        assertThat(registry.verifiedTokens().hitsAndMisses()[0]).isEqualTo(hits + 1);
        assertThat(idp.hits(JWKS_PATH)).isEqualTo(2);
    }

    @Test
    void keepsUsingTheLastKeysWhileTheJwksEndpointIsDown() {
        idp.publish(current);
        IssuerRegistry registry = registryOnJwksUri();
        registry.verify(token(current), null);
        idp.failWith(503);
        clock.advance(Duration.ofMinutes(6));

        assertThat(registry.verify(token(current), null).issuer()).isEqualTo("corp");
        assertThat(registry.verifyWithoutIo(sign(current, claims(iss, clock).subject("bob").build()), null)).isPresent();
        assertThat(idp.hits(JWKS_PATH)).isEqualTo(2);
    }

    @Test
    void failsAsUnavailableWhileNoKeysCouldBeFetched() {
        idp.publish(current);
        idp.failWith(503);
        IssuerRegistry registry = registryOnJwksUri();

        assertThat(reason(() -> registry.verify(token(current), null))).isEqualTo(Reason.ISSUER_UNAVAILABLE);
        // the failed attempt counts against the rate limit: decided in memory, nothing fetched
        assertThat(reason(() -> registry.verifyWithoutIo(token(current), null))).isEqualTo(Reason.ISSUER_UNAVAILABLE);
        assertThat(reason(() -> registry.verify(token(current), null))).isEqualTo(Reason.ISSUER_UNAVAILABLE);
        assertThat(idp.hits(JWKS_PATH)).isEqualTo(1);

        idp.failWith(0);
        clock.advance(REFRESH_RATE);
        assertThat(registry.verify(token(current), null).issuer()).isEqualTo("corp");
    }

    @Test
    void failsAsUnavailableWhenNothingListensOnTheJwksPort() {
        String jwksUri = idp.url(JWKS_PATH);
        idp.close();
        IssuerRegistry registry = registry(Tokens.issuer("corp", iss, jwksUri, null));

        assertThat(reason(() -> registry.verify(token(current), null))).isEqualTo(Reason.ISSUER_UNAVAILABLE);
    }

    @Test
    void neverPicksTheEncryptionKeyKeycloakListsFirst() {
        RSAKey encryption = Tokens.rsaEncryption("enc-1");
        idp.publish(encryption, current);
        IssuerRegistry registry = registryOnJwksUri();
        String withoutKid = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), current, claims(iss, clock).build());
        String signedWithTheEncryptionKey = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("enc-1").build(),
                encryption, claims(iss, clock).build());

        assertThat(registry.verify(token(current), null).issuer()).isEqualTo("corp");
        assertThat(registry.verify(withoutKid, null).issuer()).isEqualTo("corp");
        assertThat(reason(() -> registry.verify(signedWithTheEncryptionKey, null))).isEqualTo(Reason.KEY_UNKNOWN);
    }

    @Test
    void neverFetchesTheKeyLocationsATokenNames() {
        idp.publish(current);
        IssuerRegistry registry = registryOnJwksUri();
        RSAKey attacker = Tokens.rsa("attacker");
        try (KeyServer attackers = KeyServer.start().publish(attacker)) {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("attacker")
                    .jwkURL(URI.create(attackers.url(JWKS_PATH)))
                    .x509CertURL(URI.create(attackers.url("/cert.pem"))).build();

            assertThat(reason(() -> registry.verify(sign(header, attacker, claims(iss, clock).build()), null)))
                    .isEqualTo(Reason.KEY_UNKNOWN);
            assertThat(attackers.totalHits()).isZero();
        }
    }

    @Test
    void discoversTheJwksUriLazilyAndOnce() {
        idp.publish(current).serve("/realms/corp/.well-known/openid-configuration",
                "{\"issuer\":\"" + iss + "\",\"jwks_uri\":\"" + idp.url(JWKS_PATH) + "\"}");
        IssuerRegistry registry = registry(Tokens.issuer("corp", iss, null, null));
        assertThat(idp.totalHits()).isZero();

        registry.verify(token(current), null);
        clock.advance(Duration.ofMinutes(6));
        registry.verify(sign(current, claims(iss, clock).subject("bob").build()), null);

        assertThat(idp.hits("/realms/corp/.well-known/openid-configuration")).isEqualTo(1);
        assertThat(idp.hits(JWKS_PATH)).isEqualTo(2);
    }

    @Test
    void retriesDiscoveryAtTheRefreshRateUntilTheIssuerIsUp() {
        IssuerRegistry registry = registry(Tokens.issuer("corp", iss, null, null));

        assertThat(reason(() -> registry.verify(token(current), null))).isEqualTo(Reason.ISSUER_UNAVAILABLE);
        assertThat(reason(() -> registry.verify(token(current), null))).isEqualTo(Reason.ISSUER_UNAVAILABLE);
        assertThat(idp.hits("/realms/corp/.well-known/openid-configuration")).isEqualTo(1);

        idp.publish(current).serve("/realms/corp/.well-known/openid-configuration",
                "{\"issuer\":\"" + iss + "\",\"jwks_uri\":\"" + idp.url(JWKS_PATH) + "\"}");
        clock.advance(REFRESH_RATE);
        assertThat(registry.verify(token(current), null).issuer()).isEqualTo("corp");
    }

    @Test
    void refusesADiscoveryDocumentOfAnotherIssuer() {
        idp.publish(current).serve("/realms/corp/.well-known/openid-configuration",
                "{\"issuer\":\"https://idp.evil.example\",\"jwks_uri\":\"" + idp.url(JWKS_PATH) + "\"}");
        IssuerRegistry registry = registry(Tokens.issuer("corp", iss, null, null));

        assertThat(reason(() -> registry.verify(token(current), null))).isEqualTo(Reason.ISSUER_UNAVAILABLE);
        assertThat(idp.hits(JWKS_PATH)).isZero();
    }

    @Test
    void keysFromAFileNeverNeedAFetch() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("jwks", ".json");
        file.toFile().deleteOnExit();
        java.nio.file.Files.writeString(file, new com.nimbusds.jose.jwk.JWKSet(current).toPublicJWKSet().toString());
        IssuerRegistry registry = registry(Tokens.issuer("corp", iss, null, file.toString()));

        assertThat(registry.verifyWithoutIo(token(current), null)).isPresent();
        assertThat(reason(() -> registry.verifyWithoutIo(token(Tokens.rsa("unknown")), null))).isEqualTo(Reason.KEY_UNKNOWN);
        assertThatThrownBy(() -> registry(Tokens.issuer("corp", iss, null, file + ".missing")))
                .isInstanceOf(java.io.UncheckedIOException.class);
        assertThat(idp.totalHits()).isZero();
    }
}
