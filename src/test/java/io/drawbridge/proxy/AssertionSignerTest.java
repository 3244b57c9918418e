package io.drawbridge.proxy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import io.drawbridge.identity.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The identity assertion: what it says, who can verify it, and that it is signed once per caller and route. */
class AssertionSignerTest {

    private static final Identity ALICE = new Identity("alice-id", "alice", "alice@example.com",
            Set.of("sre", "group:default/platform"), "corp", "cli", Map.of(), null);

    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void signsWhoTheCallerIsForOneRouteWithTheSharedKey(@TempDir Path dir) throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("shared-1").algorithm(JWSAlgorithm.ES256).generate();
        Path file = Files.writeString(dir.resolve("assertion-key.json"), key.toJSONString());
        var signer = new AssertionSigner("https://gw.example.com", file, Duration.ofMinutes(5), Clock.systemUTC());

        SignedJWT jwt = SignedJWT.parse(signer.assertionFor(ALICE, "grafana"));

        assertThat(signer.publicKeys().getKeys()).singleElement().satisfies(k -> {
            assertThat(k.getKeyID()).isEqualTo("shared-1");
            assertThat(k.isPrivate()).isFalse();
        });
        assertThat(jwt.verify(new ECDSAVerifier(key.toECPublicKey()))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("https://gw.example.com");
        assertThat(jwt.getJWTClaimsSet().getAudience()).isEqualTo(List.of("grafana"));
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice-id");
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("groups"))
                .containsExactlyInAnyOrder("sre", "group:default/platform");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("idp")).isEqualTo("corp");
    }

    @Test
    void reusesAnAssertionUntilAFifthOfItsLifeIsLeft() throws Exception {
        var clock = new MovableClock();
        var signer = new AssertionSigner("drawbridge", null, Duration.ofMinutes(5), clock);
        String first = signer.assertionFor(ALICE, "grafana");

        clock.now = clock.now.plus(Duration.ofMinutes(3));
        assertThat(signer.assertionFor(ALICE, "grafana")).isSameAs(first);
        assertThat(signer.assertionFor(ALICE, "docs")).isNotEqualTo(first);

        clock.now = clock.now.plus(Duration.ofMinutes(1).plusSeconds(1)); // 4m01s: less than a fifth left
        String renewed = signer.assertionFor(ALICE, "grafana");
        assertThat(renewed).isNotEqualTo(first);
        assertThat(SignedJWT.parse(renewed).getJWTClaimsSet().getExpirationTime().toInstant())
                .isEqualTo(clock.now.plus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    @Test
    void anotherCallerNeverGetsAliceAssertion() throws Exception {
        var signer = new AssertionSigner("drawbridge", null, Duration.ofMinutes(5), Clock.systemUTC());
        var bob = new Identity("bob-id", "bob", null, Set.of(), "corp", null, Map.of(), null);
        signer.assertionFor(ALICE, "grafana");
        assertThat(SignedJWT.parse(signer.assertionFor(bob, "grafana")).getJWTClaimsSet().getSubject())
                .isEqualTo("bob-id");
    }

    @Test
    void refusesAKeyThatIsNotAPrivateP256Key(@TempDir Path dir) throws Exception {
        ECKey publicOnly = new ECKeyGenerator(Curve.P_256).generate().toPublicJWK();
        Path file = Files.writeString(dir.resolve("public.json"), publicOnly.toJSONString());
        assertThatThrownBy(() -> new AssertionSigner("d", file, Duration.ofMinutes(5), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("private EC P-256");
    }
}
