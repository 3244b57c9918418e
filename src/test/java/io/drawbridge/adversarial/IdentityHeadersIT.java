package io.drawbridge.adversarial;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 * Identities an issuer (or a catalog) vouches for, chosen to pass as someone else in the headers an upstream
 * trusts: invisible characters, look-alikes, the list separator, white space, controls, invalid Unicode. The
 * upstream must receive either the exact value or its documented percent-encoding (never another identity's
 * value), or nothing at all with a 403 {@code identity-unrepresentable}; the signed assertion always carries the
 * exact value; nothing yields a 500.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityHeadersIT {

    private final TokenMinter minter = new TokenMinter();
    private final TestUpstream upstream = new TestUpstream();
    private GatewayFixture gateway;
    private Probe probe;

    @BeforeAll
    void start(@TempDir Path dir) {
        minter.writeJwks(dir.resolve("jwks.json"));
        gateway = GatewayFixture.start(dir, """
                @TEST_ISSUER@
                policies:
                  sre:
                    allow:
                      - groups: [sre]
                """, Map.of("app.yaml", HeaderSpoofingIT.route("app", "/app", true, "sre")),
                Map.of("upstream", upstream.url()));
        probe = new Probe(gateway, upstream);
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
    }

    static Stream<Arguments> userNames() {
        return Stream.of(
                Arguments.of("zero-width space", "admin-\u200bbob", "admin-%E2%80%8Bbob"),
                Arguments.of("zero-width joiner", "ad\u200dmin", "ad%E2%80%8Dmin"),
                Arguments.of("soft hyphen", "ad\u00admin", "ad%C2%ADmin"),
                Arguments.of("Cyrillic a", "\u0430dmin", "%D0%B0dmin"),
                Arguments.of("fullwidth letters", "\uff41\uff44\uff4d\uff49\uff4e", "%EF%BD%81%EF%BD%84%EF%BD%8D%EF%BD%89%EF%BD%8E"),
                Arguments.of("NUL", "admin\u0000", "admin%00"),
                Arguments.of("CR LF and a header", "admin\r\nX-Forwarded-Groups: admins", "admin%0D%0AX-Forwarded-Groups: admins"),
                Arguments.of("leading space", " admin", "%20admin"),
                Arguments.of("trailing tab", "admin\t", "admin%09"),
                Arguments.of("a percent escape of another name", "admin%2Dbob", "admin%252Dbob"),
                Arguments.of("Latin-1", "jos\u00e9", "jos%C3%A9"),
                Arguments.of("emoji", "\ud83d\ude00", "%F0%9F%98%80"),
                Arguments.of("comma", "bob,admin", "bob,admin"));
    }

    @ParameterizedTest(name = "user {0}")
    @MethodSource("userNames")
    void aUserNameReachesTheUpstreamExactlyOrPercentEncoded(String name, String user, String header) throws Exception {
        var seen = probe.get("/app/x", "Authorization: Bearer " + minter.token(user, List.of("sre"),
                b -> b.claim("email", null))).forwarded(200);

        assertThat(seen.all("X-Forwarded-User")).containsExactly(header);
        assertThat(seen.all("X-Forwarded-Preferred-Username")).containsExactly(header);
        assertThat(URLDecoder.decode(header.replace("+", "%2B"), StandardCharsets.UTF_8)).isEqualTo(user);
        assertThat(assertion(seen).getStringClaim("preferred_username")).isEqualTo(user);
    }

    static Stream<Arguments> groups() {
        return Stream.of(
                Arguments.of("NUL", "admins\u0000", "admins%00"),
                Arguments.of("zero-width space", "adm\u200bins", "adm%E2%80%8Bins"),
                Arguments.of("comma", "readers,admins", "readers%2Cadmins"),
                Arguments.of("leading space", " admins", "%20admins"),
                Arguments.of("trailing space", "admins ", "admins%20"),
                Arguments.of("quoted", "\"admins\"", "%22admins%22"),
                Arguments.of("parameter", "admins;q=1", "admins%3Bq=1"),
                Arguments.of("percent", "admins%00", "admins%2500"),
                Arguments.of("Greek capital letters", "\u0391DMINS", "%CE%91DMINS"));
    }

    @ParameterizedTest(name = "group {0}")
    @MethodSource("groups")
    void aLookAlikeGroupNeverReadsAsAnotherGroupUpstream(String name, String group, String encoded) throws Exception {
        var seen = probe.get("/app/x", "Authorization: Bearer " + minter.token("alice", List.of("sre", group)))
                .forwarded(200);

        List<String> values = seen.all("X-Forwarded-Groups");
        assertThat(values).hasSize(1);
        List<String> split = Arrays.stream(values.get(0).split(",")).map(String::trim).toList();
        assertThat(split).containsExactly("sre", encoded).doesNotContain("admins", "readers");
        assertThat(assertion(seen).getStringListClaim("groups")).containsExactly("sre", group);
    }

    @Test
    void anEmailThatIsNotPrintableAsciiIsRefusedAndAudited() {
        var outcome = probe.get("/app/x", "Authorization: Bearer " + minter.token("alice", List.of("sre"),
                b -> b.claim("email", "alice@ex\u0430mple.com"))).refused(403, "identity-unrepresentable");
        assertThat(outcome.audit().path("subject").asText()).isEqualTo("alice");
        assertThat(outcome.audit().path("detail").asText()).startsWith("X-Forwarded-Email");
    }

    static Stream<Arguments> unrepresentable() {
        long now = Instant.now().getEpochSecond();
        String claims = "\"iss\":\"https://issuer.test\",\"aud\":\"drawbridge\",\"sub\":\"u-1\",\"iat\":" + now
                + ",\"exp\":" + (now + 600);
        return Stream.of(
                Arguments.of("user with a lone high surrogate",
                        "{" + claims + ",\"preferred_username\":\"admin\\ud800\",\"groups\":[\"sre\"]}"),
                Arguments.of("user with a lone low surrogate",
                        "{" + claims + ",\"preferred_username\":\"\\udc00admin\",\"groups\":[\"sre\"]}"),
                Arguments.of("group with a lone surrogate",
                        "{" + claims + ",\"preferred_username\":\"alice\",\"groups\":[\"sre\",\"admins\\ud800\"]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unrepresentable")
    void anIdentityWithNoExactFormIsRefusedNotMangled(String name, String payload) {
        probe.get("/app/x", "Authorization: Bearer " + minter.signPayload(payload))
                .refused(403, "identity-unrepresentable");
    }

    @Test
    void twoNamesThatLookTheSameNeverShareAnAssertionOrAHeader() throws Exception {
        var plain = probe.get("/app/x", "Authorization: Bearer " + minter.token("alice", List.of("sre", "a,b")))
                .forwarded(200);
        var split = probe.get("/app/x", "Authorization: Bearer " + minter.token("alice", List.of("sre", "a", "b")))
                .forwarded(200);

        assertThat(plain.all("X-Forwarded-Groups")).containsExactly("sre,a%2Cb");
        assertThat(split.all("X-Forwarded-Groups")).containsExactly("sre,a,b");
        assertThat(assertion(plain).getStringListClaim("groups")).containsExactly("sre", "a,b");
        assertThat(assertion(split).getStringListClaim("groups")).containsExactly("sre", "a", "b");
    }

    private static JWTClaimsSet assertion(TestUpstream.Received seen) throws Exception {
        return SignedJWT.parse(seen.all("X-Drawbridge-Assertion").get(0)).getJWTClaimsSet();
    }
}
