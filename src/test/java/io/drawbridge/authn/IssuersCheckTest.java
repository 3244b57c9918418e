package io.drawbridge.authn;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.testing.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class IssuersCheckTest {

    static final String ISS = "https://idp.corp.example/realms/corp";

    @TempDir
    Path dir;

    static IssuerConfig issuer(String name, String iss) {
        return Tokens.issuer(name, iss, null, null);
    }

    static List<String> problems(IssuerConfig... issuers) {
        List<String> found = new ArrayList<>();
        GatewayConfig config = new GatewayConfig(null, null, List.of(issuers), null, null, null, null, null, null);
        new IssuersCheck().check(config, (field, message) -> found.add(field + ": " + message));
        return found;
    }

    static List<String> fields(List<String> problems) {
        return problems.stream().map(p -> p.substring(0, p.indexOf(':'))).toList();
    }

    IssuerConfig withAlgorithms(List<String> algorithms) {
        return new IssuerConfig("corp", ISS, null, null, null, List.of("drawbridge"), algorithms, null, null, null, null);
    }

    IssuerConfig withJwksFile(String content) throws Exception {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, content);
        return Tokens.issuer("files", "https://files.example", null, file.toString());
    }

    @Test
    void acceptsIssuersWithDefaults() throws Exception {
        assertThat(problems(issuer("corp", ISS), issuer("dev", "http://localhost:8080/realms/dev"),
                withJwksFile(new JWKSet(Tokens.rsa("k")).toPublicJWKSet().toString()))).isEmpty();
    }

    @Test
    void requiresAName() {
        assertThat(fields(problems(issuer(" ", ISS)))).containsExactly("issuers[0].name");
    }

    @Test
    void requiresUniqueNames() {
        assertThat(fields(problems(issuer("corp", ISS), issuer("corp", "https://other.example"))))
                .containsExactly("issuers[1].name");
    }

    @Test
    void requiresUniqueIssuers() {
        assertThat(fields(problems(issuer("corp", ISS), issuer("again", ISS)))).containsExactly("issuers[1].issuer");
    }

    @Test
    void requiresAnIssuer() {
        assertThat(fields(problems(issuer("corp", null)))).containsExactly("issuers[0].issuer");
    }

    @Test
    void requiresTheIssuerToBeAnAbsoluteHttpUrl() {
        assertThat(fields(problems(issuer("a", "idp.corp.example"), issuer("b", "ftp://idp.example"),
                issuer("c", "https://"))))
                .containsExactly("issuers[0].issuer", "issuers[1].issuer", "issuers[2].issuer");
    }

    @Test
    void requiresAnAudience() {
        IssuerConfig noAudience = new IssuerConfig("corp", ISS, null, null, null, null, null, null, null, null, null);

        assertThat(fields(problems(noAudience))).containsExactly("issuers[0].audiences");
    }

    @Test
    void refusesNoneAndSymmetricAlgorithms() {
        assertThat(fields(problems(withAlgorithms(List.of("RS256", "none", "HS256", "hs512")))))
                .containsExactly("issuers[0].algorithms[1]", "issuers[0].algorithms[2]", "issuers[0].algorithms[3]");
    }

    @Test
    void refusesUnknownAlgorithmsAndAnEmptyList() {
        assertThat(fields(problems(withAlgorithms(List.of("RS257"))))).containsExactly("issuers[0].algorithms[0]");
        assertThat(fields(problems(withAlgorithms(List.of())))).containsExactly("issuers[0].algorithms");
    }

    @Test
    void refusesAnExplicitlyListedAlgorithmThisBuildCannotVerify() {
        assertThat(fields(problems(withAlgorithms(List.of("ES256", "EdDSA"))))).containsExactly("issuers[0].algorithms[1]");
    }

    @Test
    void refusesBothAJwksFileAndAJwksUri() throws Exception {
        IssuerConfig file = withJwksFile(new JWKSet(Tokens.rsa("k")).toPublicJWKSet().toString());
        IssuerConfig both = new IssuerConfig("corp", ISS, null, "https://idp.example/jwks", file.jwksFile(),
                List.of("drawbridge"), null, null, null, null, null);

        assertThat(fields(problems(both))).containsExactly("issuers[0].jwksUri");
    }

    @Test
    void refusesAJwksUriThatIsNotHttp() {
        IssuerConfig issuer = new IssuerConfig("corp", ISS, "file:///etc/discovery", "/jwks", null,
                List.of("drawbridge"), null, null, null, null, null);

        assertThat(fields(problems(issuer))).containsExactly("issuers[0].jwksUri", "issuers[0].discoveryUri");
    }

    @Test
    void refusesAMissingJwksFile() {
        IssuerConfig issuer = Tokens.issuer("corp", ISS, null, dir.resolve("absent.json").toString());

        assertThat(fields(problems(issuer))).containsExactly("issuers[0].jwksFile");
    }

    @Test
    void refusesAJwksFileThatIsNotAJwkSet() throws Exception {
        assertThat(fields(problems(withJwksFile("{\"not\":\"keys\"}")))).containsExactly("issuers[0].jwksFile");
    }

    @Test
    void refusesAJwksFileWithPrivateKeys() throws Exception {
        assertThat(fields(problems(withJwksFile(new JWKSet(Tokens.rsa("k")).toString(false)))))
                .containsExactly("issuers[0].jwksFile");
    }

    @Test
    void refusesAJwksFileWithSymmetricKeys() throws Exception {
        OctetSequenceKey secret = new OctetSequenceKeyGenerator(256).keyID("hmac").generate();

        assertThat(fields(problems(withJwksFile(new JWKSet(secret).toString(false)))))
                .containsExactly("issuers[0].jwksFile");
    }

    @Test
    void refusesNonPositiveDurations() {
        IssuerConfig issuer = new IssuerConfig("corp", ISS, null, null, null, List.of("drawbridge"), null,
                Duration.ofSeconds(-1), Duration.ZERO, Duration.ofMinutes(-5), null);

        assertThat(fields(problems(issuer)))
                .containsExactly("issuers[0].clockSkew", "issuers[0].keyRefreshRate", "issuers[0].keyCacheTtl");
    }

    @Test
    void allowsAZeroClockSkew() {
        IssuerConfig issuer = new IssuerConfig("corp", ISS, null, null, null, List.of("drawbridge"), null,
                Duration.ZERO, null, null, null);

        assertThat(problems(issuer)).isEmpty();
    }
}
