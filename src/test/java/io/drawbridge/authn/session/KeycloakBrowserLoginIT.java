package io.drawbridge.authn.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.dev.EchoUpstream;
import io.drawbridge.testing.Chromium;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.KeycloakProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Single sign-on in a real browser against a real IdP: headless Chromium (Debian's, driven by Selenium through
 * Debian's chromedriver) signs in at Keycloak through the gateway. Keycloak runs once for the class with access
 * tokens that live 10 seconds, so refreshing is part of the story; every test has a fresh browser profile.
 */
class KeycloakBrowserLoginIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    static final int ACCESS_TOKEN_SECONDS = 10;

    static KeycloakProcess keycloak;
    static EchoUpstream echo;
    static GatewayFixture gateway;
    static String base;

    @TempDir
    Path profile;
    WebDriver browser;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        int port = GatewayProcess.freePort();
        base = "http://127.0.0.1:" + port;
        keycloak = KeycloakProcess.start(base + "/oauth2/callback", base + "/public/signed-out");
        keycloak.updateRealm(Map.of("accessTokenLifespan", ACCESS_TOKEN_SECONDS));
        echo = EchoUpstream.start();
        String config = """
                issuers:
                  - name: keycloak
                    issuer: %s
                    audiences: [drawbridge]
                policies:
                  platform:
                    allow:
                      - groups: [platform]
                  public:
                    public: true
                login:
                  issuer: keycloak
                  clientId: drawbridge-gateway
                  clientSecret: ${DRAWBRIDGE_TEST_CLIENT_SECRET:-drawbridge-gateway-secret}
                  redirectUri: %s/oauth2/callback
                  postLogoutRedirectUri: %s/public/signed-out
                  session:
                    keys: ["${DRAWBRIDGE_TEST_SESSION_KEY:-%s}"]
                    refreshBefore: 2s
                """.formatted(keycloak.issuer(), base, base, KEY);
        String route = """
                - route:
                    id: %s
                    from:
                      uri: gateway:/%s
                      steps:
                        - to: drawbridge:authenticate?login=browser
                        - to: drawbridge:authorize?policy=%s
                        - to: drawbridge:proxy?upstream={{upstream.echo}}&stripPrefix=true
                """;
        String publicRoute = """
                - route:
                    id: public
                    from:
                      uri: gateway:/public
                      steps:
                        - to: drawbridge:authorize?policy=public
                        - to: drawbridge:proxy?upstream={{upstream.echo}}&stripPrefix=true
                """;
        gateway = GatewayFixture.start(dir, config, Map.of("app.yaml", route.formatted("app", "app", "platform"),
                "docs.yaml", route.formatted("docs", "docs", "platform"), "public.yaml", publicRoute),
                Map.of("upstream.echo", echo.url()), port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (echo != null) {
            echo.close();
        }
        if (keycloak != null) {
            keycloak.stop();
        }
    }

    @BeforeEach
    void openBrowser() {
        browser = Chromium.open(profile);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    void signInAtKeycloak(String user, String password) {
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(
                By.id("username")));
        assertThat(browser.getCurrentUrl()).startsWith(keycloak.issuer() + "/protocol/openid-connect/auth");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("kc-login")).click();
    }

    JsonNode echoed() throws Exception {
        String text = browser.findElement(By.tagName("body")).getText();
        assertThat(text).as(browser.getCurrentUrl()).startsWith("{");
        return JSON.readTree(text);
    }

    String user(JsonNode echoed) {
        return echoed.path("headers").path("X-Forwarded-User").get(0).asText();
    }

    String sessionCookies() {
        StringBuilder value = new StringBuilder();
        browser.manage().getCookies().stream().filter(c -> c.getName().startsWith("drawbridge_session")
                        && !c.getName().contains("_login_"))
                .sorted(java.util.Comparator.comparing(Cookie::getName)).forEach(c -> value.append(c.getValue()));
        return value.toString();
    }

    @Test
    void signsInAtKeycloakAndReachesTheUpstreamAsItself() throws Exception {
        browser.get(base + "/app/dashboard?panel=7");
        signInAtKeycloak("alice", "alice-password");
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlToBe(
                base + "/app/dashboard?panel=7"));

        JsonNode seen = echoed();
        assertThat(user(seen)).isEqualTo("alice");
        assertThat(seen.path("path").asText()).isEqualTo("/dashboard");
        assertThat(seen.path("headers").path("X-Forwarded-Groups").get(0).asText()).contains("platform");
        assertThat(seen.path("headers").has("X-Drawbridge-Assertion")).isTrue();
        assertThat(seen.path("headers").has("Cookie")).isFalse();
        Cookie session = browser.manage().getCookies().stream().filter(c -> c.getName()
                .startsWith("drawbridge_session")).findFirst().orElseThrow();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Lax");

        browser.get(base + "/docs/");
        assertThat(user(echoed())).as("the second route opens without a new sign-in").isEqualTo("alice");
    }

    @Test
    void theSessionOutlivesItsAccessTokenByRefreshing() throws Exception {
        browser.get(base + "/app/");
        signInAtKeycloak("bob", "bob-password");
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlToBe(base + "/app/"));
        String before = sessionCookies();

        Thread.sleep((ACCESS_TOKEN_SECONDS + 1) * 1000L);
        browser.get(base + "/docs/after-expiry");

        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/docs/after-expiry");
        assertThat(user(echoed())).isEqualTo("bob");
        assertThat(sessionCookies()).as("new tokens, new cookie").isNotEqualTo(before);
    }

    @Test
    void aSessionEndedAtKeycloakEndsAtTheGatewayWithTheNextRefresh() throws Exception {
        browser.get(base + "/app/");
        signInAtKeycloak("alice", "alice-password");
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlToBe(base + "/app/"));

        keycloak.logOutEverywhere("alice");
        Thread.sleep((ACCESS_TOKEN_SECONDS + 1) * 1000L);
        browser.get(base + "/app/again");

        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(
                By.id("username")));
    }

    @Test
    void logoutEndsTheSessionAtTheGatewayAndAtKeycloak() throws Exception {
        browser.get(base + "/app/");
        signInAtKeycloak("alice", "alice-password");
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlToBe(base + "/app/"));
        int sessionsBefore = keycloak.sessions("alice");

        browser.get(base + "/oauth2/logout");
        browser.findElement(By.id("sign-out")).click();
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlToBe(
                base + "/public/signed-out"));

        assertThat(sessionCookies()).isEmpty();
        assertThat(keycloak.sessions("alice")).isLessThan(sessionsBefore);
        browser.get(base + "/app/");
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(
                By.id("username")));
        assertThat(browser.getCurrentUrl()).startsWith(keycloak.issuer());
    }

    @Test
    void openedAsLocalhostWhileTheRedirectUriSays127TheSignInStartsAgainAndSucceeds() throws Exception {
        String elsewhere = base.replace("127.0.0.1", "localhost");
        browser.get(elsewhere + "/app/started-as-localhost");
        signInAtKeycloak("alice", "alice-password");
        // The callback comes back to 127.0.0.1 without the login cookie set for localhost: the gateway starts the
        // sign-in again from 127.0.0.1, Keycloak knows alice by now, and the second trip completes.
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.urlToBe(base + "/"));
        assertThat(gateway.auditRecords()).anyMatch(r -> r.path("reason").asText().equals("login-failed")
                && r.path("detail").asText().startsWith("sent to sign in again: no login cookie"));

        browser.get(base + "/app/");
        assertThat(user(echoed())).as("signed in, no dead end").isEqualTo("alice");
    }

    @Test
    void afterSigningOutWithoutAPostLogoutPageTheBrowserSeesThatItIsSignedOut() throws Exception {
        browser.get(base + "/oauth2/logout");
        assertThat(browser.findElement(By.id("signed-out")).getText()).isEqualTo("You are signed out");
    }

    @Test
    void aLoginThatTriesToLeaveTheGatewayLandsOnTheGateway() throws Exception {
        browser.get(base + "/app//evil.example/%2e%2e");
        signInAtKeycloak("alice", "alice-password");
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlContains(base + "/app/"));

        assertThat(browser.getCurrentUrl()).startsWith(base + "/");
        assertThat(Files.exists(profile)).isTrue();
    }
}
