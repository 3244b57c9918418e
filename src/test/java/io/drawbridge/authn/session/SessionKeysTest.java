package io.drawbridge.authn.session;

import com.nimbusds.jwt.JWTClaimsSet;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionKeysTest {

    static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static final JWTClaimsSet CLAIMS = new JWTClaimsSet.Builder().claim("at", "token").build();

    @Test
    void opensWhatItSealed() {
        var keys = new SessionKeys(List.of(newKey()));

        assertThat(keys.open("session", keys.seal("session", CLAIMS))).hasValueSatisfying(c ->
                assertThat(c.getClaim("at")).isEqualTo("token"));
    }

    @Test
    void anOlderKeyStillOpensAfterRotationAndTheNewOneSeals() {
        String old = newKey();
        String fresh = newKey();
        String sealedBefore = new SessionKeys(List.of(old)).seal("session", CLAIMS);
        var rotated = new SessionKeys(List.of(fresh, old));

        assertThat(rotated.open("session", sealedBefore)).isPresent();
        String sealedAfter = rotated.seal("session", CLAIMS);
        assertThat(new SessionKeys(List.of(fresh)).open("session", sealedAfter)).isPresent();
        assertThat(new SessionKeys(List.of(old)).open("session", sealedAfter)).isEmpty();
    }

    @Test
    void aRetiredKeyNoLongerOpens() {
        String old = newKey();
        String sealed = new SessionKeys(List.of(old)).seal("session", CLAIMS);

        assertThat(new SessionKeys(List.of(newKey())).open("session", sealed)).isEmpty();
    }

    @Test
    void aHeaderNimbusRefusesToParseOpensNothing() {
        var keys = new SessionKeys(List.of(newKey()));
        String sealed = keys.seal("session", CLAIMS);
        String none = com.nimbusds.jose.util.Base64URL.encode("{\"alg\":\"none\",\"enc\":\"A256GCM\",\"typ\":\"session\"}")
                + sealed.substring(sealed.indexOf('.'));

        assertThat(keys.open("session", none)).isEmpty();
    }

    @Test
    void anyChangedCharacterIsRefused() {
        var keys = new SessionKeys(List.of(newKey()));
        String sealed = keys.seal("session", CLAIMS);
        for (int i = 0; i < sealed.length(); i += 7) {
            if (sealed.charAt(i) == '.') {
                continue;
            }
            char other = sealed.charAt(i) == 'A' ? 'B' : 'A';
            String tampered = sealed.substring(0, i) + other + sealed.substring(i + 1);
            assertThat(keys.open("session", tampered)).as("changed at " + i).isEmpty();
        }
    }

    @Test
    void aCookieForOnePurposeNeverOpensAsAnother() {
        var keys = new SessionKeys(List.of(newKey()));

        assertThat(keys.open("session", keys.seal("login", CLAIMS))).isEmpty();
    }

    @Test
    void refusesGarbageAndUnsignedTokens() {
        var keys = new SessionKeys(List.of(newKey()));

        assertThat(keys.open("session", "not.a.jwe.at.all")).isEmpty();
        assertThat(keys.open("session", "eyJhbGciOiJub25lIn0.eyJhdCI6InRva2VuIn0.")).isEmpty();
        assertThat(keys.open("session", null)).isEmpty();
    }

    @Test
    void refusesKeysThatAreNot32Bytes() {
        String short16 = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> new SessionKeys(List.of(short16))).hasMessageContaining("32 bytes");
    }
}
