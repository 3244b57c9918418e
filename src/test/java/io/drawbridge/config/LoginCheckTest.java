package io.drawbridge.config;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.drawbridge.config.Fixtures.loadYaml;
import static io.drawbridge.config.Fixtures.problemsInYaml;
import static org.assertj.core.api.Assertions.assertThat;

/** The login section: what it refuses, each problem on its field, and that secrets come only from the environment. */
class LoginCheckTest {

    static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    static final Map<String, String> ENV = Map.of("SECRET", "s3cret", "KEY", KEY,
            "SHORT_KEY", "AAECAwQFBgcICQoLDA0ODw==");

    static String yaml(String login) {
        return """
                issuers:
                  - name: corp
                    issuer: https://login.example.com/realms/corp
                    audiences: [drawbridge]
                login:
                """ + login.indent(2);
    }

    static final String GOOD = """
            issuer: corp
            clientId: drawbridge
            clientSecret: ${SECRET}
            redirectUri: https://portal.example.com/oauth2/callback
            session:
              keys: ["${KEY}"]
            """;

    private static List<String> fields(String login) {
        return problemsInYaml(yaml(login), ENV).stream().map(ConfigProblem::field).toList();
    }

    @Test
    void acceptsAMinimalSection() {
        LoginConfig login = loadYaml(yaml(GOOD), ENV).login();

        assertThat(login.clientAuth()).isEqualTo("client_secret_basic");
        assertThat(login.scopes()).containsExactly("openid", "profile", "email");
        assertThat(login.logoutPath()).isEqualTo("/oauth2/logout");
        assertThat(login.session().cookieName()).isEqualTo("drawbridge_session");
        assertThat(login.toString()).doesNotContain("s3cret").doesNotContain(KEY);
    }

    @Test
    void refusesALiteralClientSecretOrSessionKey() {
        assertThat(fields(GOOD.replace("${SECRET}", "s3cret").replace("\"${KEY}\"", KEY)))
                .contains("login.clientSecret", "login.session.keys[0]");
    }

    @ParameterizedTest(name = "key \"{0}\"")
    @ValueSource(strings = {"short", "keys", "base64", "a"})
    void aSecretThatIsAlsoTextOfTheMessageNeitherGarblesNorRevealsIt(String key) {
        List<ConfigProblem> problems = problemsInYaml(yaml(GOOD.replace("${KEY}", "${SHORT}")),
                Map.of("SECRET", "s3cret", "SHORT", key));

        assertThat(problems).extracting(ConfigProblem::field, ConfigProblem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("login.session.keys[0]", "must be 32 random bytes in base64"
                        + " (openssl rand -base64 32); shorter keys are refused (value from ${SHORT})"));
    }

    @Test
    void refusesAShortSessionKeyAndNoKeyAtAll() {
        assertThat(fields(GOOD.replace("${KEY}", "${SHORT_KEY}"))).containsExactly("login.session.keys[0]");
        assertThat(fields(GOOD.replace("  keys: [\"${KEY}\"]\n", "  cookieName: s\n")))
                .containsExactly("login.session.keys");
    }

    @Test
    void refusesRedirectUrisThatAreNotAbsolute() {
        assertThat(fields(GOOD.replace("https://portal.example.com/oauth2/callback", "/oauth2/callback")))
                .containsExactly("login.redirectUri");
        assertThat(fields(GOOD.replace("https://portal.example.com/oauth2/callback", "https://portal.example.com")))
                .containsExactly("login.redirectUri");
        assertThat(fields(GOOD + "postLogoutRedirectUri: //evil.example/\n")).containsExactly(
                "login.postLogoutRedirectUri");
    }

    @Test
    void refusesAnUnknownIssuerAndClientAuthentication() {
        assertThat(fields(GOOD.replace("issuer: corp", "issuer: nope"))).containsExactly("login.issuer");
        assertThat(fields(GOOD + "clientAuth: client_secret_jwt\n")).containsExactly("login.clientAuth");
        assertThat(fields(GOOD + "clientAuth: private_key_jwt\n")).containsExactly("login.clientKeyFile");
        assertThat(fields(GOOD.replace("clientSecret: ${SECRET}\n", ""))).containsExactly("login.clientSecret");
    }

    @Test
    void refusesLifetimesAndCookieSettingsThatCannotWork() {
        assertThat(fields(GOOD + "  idleTimeout: 2h\n  maxLifetime: 1h\n  cookieDomain: Example.COM\n"
                + "  cookieName: \"a b\"\n")).containsExactlyInAnyOrder("login.session.maxLifetime",
                "login.session.cookieDomain", "login.session.cookieName");
        assertThat(fields(GOOD + "scopes: [profile]\nlogoutPath: /oauth2/callback\n"))
                .containsExactlyInAnyOrder("login.scopes", "login.logoutPath");
    }
}
