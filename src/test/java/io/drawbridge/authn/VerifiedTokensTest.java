package io.drawbridge.authn;

import io.drawbridge.identity.Identity;
import io.drawbridge.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedTokensTest {

    final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    final VerifiedTokens tokens = new VerifiedTokens(10, clock);

    Identity expiringIn(Duration duration) {
        return new Identity("sub", "alice", null, null, "corp", null, null, clock.instant().plus(duration));
    }

    @Test
    void keysEntriesByTheTokensSha256NeverTheToken() {
        String key = VerifiedTokens.key("abc");

        byte[] bytes = key.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(java.util.HexFormat.of().formatHex(bytes))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void remembersAnIdentityUntilTheTokenExpires() {
        String key = VerifiedTokens.key("token");
        Identity identity = expiringIn(Duration.ofMinutes(5));
        tokens.put(key, identity);

        clock.advance(Duration.ofMinutes(4));
        assertThat(tokens.get(key)).contains(identity);

        clock.advance(Duration.ofMinutes(1));
        assertThat(tokens.get(key)).isEmpty();
    }

    @Test
    void doesNotRememberAnIdentityThatHasAlreadyExpired() {
        String key = VerifiedTokens.key("token");
        tokens.put(key, expiringIn(Duration.ofSeconds(-1)));

        assertThat(tokens.get(key)).isEmpty();
    }

    @Test
    void staysWithinItsBound() {
        for (int i = 0; i < 100; i++) {
            tokens.put(VerifiedTokens.key("token-" + i), expiringIn(Duration.ofMinutes(5)));
        }

        assertThat(tokens.size()).isLessThanOrEqualTo(10);
    }

    Identity of(String issuer) {
        return new Identity("sub", "alice", null, null, issuer, null, null, clock.instant().plus(Duration.ofHours(1)));
    }

    @Test
    void forgetsWhatAPulledKeyVerifiedAndWhatNamedNoKey() {
        long generation = tokens.generation();
        tokens.put("k1", of("corp"), "key-1", generation);
        tokens.put("k2", of("corp"), "key-2", generation);
        tokens.put("none", of("corp"), null, generation);
        tokens.put("other", of("partner"), "key-1", generation);

        tokens.forget("corp", java.util.Set.of("key-1"));

        assertThat(tokens.get("k1")).isEmpty();
        assertThat(tokens.get("none")).as("any key may have verified it").isEmpty();
        assertThat(tokens.get("k2")).isPresent();
        assertThat(tokens.get("other")).as("another issuer's key-1").isPresent();
    }

    @Test
    void doesNotRememberAVerificationThatBeganBeforeKeysWereForgotten() {
        long generation = tokens.generation();
        tokens.forget("corp", java.util.Set.of("key-1"));

        tokens.put("k", of("corp"), "key-2", generation);

        assertThat(tokens.get("k")).isEmpty();
    }
}
