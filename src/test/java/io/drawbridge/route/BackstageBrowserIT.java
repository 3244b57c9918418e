package io.drawbridge.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.BackstageProcess;
import io.drawbridge.testing.Chromium;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.KeycloakProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Backstage recipe of docs/guides/catalog.md, word for word, between a real Keycloak, a real Backstage backend
 * and headless Chromium: a person signs in through the gateway, Backstage's oauth2Proxy provider signs them in to
 * Backstage from the gateway's identity headers and hands out a Backstage token, and the page calls Backstage's catalog API
 * with that token in {@code Authorization}, as Backstage's own frontend does. The gateway lets the header through
 * untouched ({@code authorization=upstream}) and knows the caller by the session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackstageBrowserIT {

    private static final String TOKEN = "drawbridge-browser-it-token-0123456789";
    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeycloakProcess keycloak;
    private BackstageProcess backstage;
    private GatewayFixture gateway;
    private String base;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        int port = GatewayProcess.freePort();
        base = "http://127.0.0.1:" + port;
        keycloak = KeycloakProcess.start(base + "/oauth2/callback", base + "/");
        Path catalog = Files.createDirectories(dir.resolve("catalog"));
        Files.writeString(catalog.resolve("org.yaml"), """
                apiVersion: backstage.io/v1alpha1
                kind: Group
                metadata: { name: platform }
                spec: { type: department, children: [sre] }
                ---
                apiVersion: backstage.io/v1alpha1
                kind: Group
                metadata: { name: sre }
                spec: { type: team, parent: platform, children: [] }
                ---
                apiVersion: backstage.io/v1alpha1
                kind: User
                metadata: { name: alice }
                spec: { profile: { email: alice@example.com }, memberOf: [sre] }
                """);
        backstage = BackstageProcess.start(catalog + "/*.yaml", TOKEN);
        String guide = Files.readString(BackstageProcess.PROJECT.resolve("docs/guides/catalog.md"));
        String route = recipe(guide);
        String config = """
                issuers:
                  - name: keycloak
                    issuer: %s
                    audiences: [drawbridge]
                policies:
                  employees:
                    allow:
                      - groups: ["group:default/platform"]     # alice is in sre, under platform, in the catalog
                login:
                  issuer: keycloak
                  clientId: drawbridge-gateway
                  clientSecret: ${DRAWBRIDGE_TEST_CLIENT_SECRET:-drawbridge-gateway-secret}
                  redirectUri: %s/oauth2/callback
                  postLogoutRedirectUri: %s/
                  session:
                    keys: ["${DRAWBRIDGE_TEST_SESSION_KEY:-%s}"]
                catalog:
                  backstage:
                    url: %s
                    token: ${DRAWBRIDGE_IT_BACKSTAGE_TOKEN:-%s}
                """.formatted(keycloak.issuer(), base, base, KEY, backstage.url(), TOKEN);
        gateway = GatewayFixture.start(dir, config, Map.of("backstage.yaml",
                route.replace("http://backstage:7007", backstage.url())), Map.of(), port).awaitReady();
    }

    /** The first route of the guide's Backstage section, as a reader would copy it. */
    static String recipe(String guide) {
        int section = guide.indexOf("- **Backstage behind the gateway.**");
        int start = guide.indexOf("```yaml\n  - route:", section);
        int end = guide.indexOf("```", start + 7);
        assertThat(section).isPositive();
        assertThat(start).isPositive();
        StringBuilder route = new StringBuilder();
        for (String line : guide.substring(start + 8, end).split("\n")) {
            route.append(line.startsWith("  ") ? line.substring(2) : line).append('\n');
        }
        return route.toString();
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (backstage != null) {
            backstage.stop();
        }
        if (keycloak != null) {
            keycloak.stop();
        }
    }

    @Test
    void aPersonSignsInAndBackstagesFrontendTokenOpensTheCatalogThroughTheGateway(@TempDir Path profile)
            throws Exception {
        WebDriver browser = Chromium.open(profile);
        try {
            // The app's first call: the oauth2Proxy "refresh" that turns the gateway's headers into a Backstage
            // session. Opened as a page, it first sends the person to sign in at Keycloak.
            browser.get(base + "/backstage/api/auth/oauth2Proxy/refresh");
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(
                    By.id("username")));
            browser.findElement(By.id("username")).sendKeys("alice");
            browser.findElement(By.id("password")).sendKeys("alice-password");
            browser.findElement(By.id("kc-login")).click();
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.urlToBe(
                    base + "/backstage/api/auth/oauth2Proxy/refresh"));
            JsonNode signedIn = JSON.readTree(browser.findElement(By.tagName("body")).getText());
            assertThat(signedIn.at("/backstageIdentity/identity/userEntityRef").asText())
                    .isEqualTo("user:default/alice");
            String backstageToken = signedIn.at("/backstageIdentity/token").asText();
            assertThat(backstageToken).isNotBlank();

            // As Backstage's frontend does: fetch() with its own token in Authorization, the session cookie riding
            // along. The gateway must neither read the token nor drop it; Backstage must accept it.
            Map<String, Object> withToken = fetch(browser, "/backstage/api/catalog/entities?filter=kind=user",
                    backstageToken);
            assertThat(withToken.get("status")).as(String.valueOf(withToken.get("body"))).isEqualTo(200L);
            assertThat(JSON.readTree((String) withToken.get("body")).toString()).contains("\"name\":\"alice\"");
            JsonNode record = gateway.audit((String) withToken.get("requestId"));
            assertThat(record.path("decision").asText()).isEqualTo("allow");
            assertThat(record.path("route").asText()).isEqualTo("backstage");
            assertThat(record.path("subject").asText()).as("the user, not lost to a public route").isEqualTo("alice");
            assertThat(record.path("groups").toString()).contains("group:default/platform");

            // Without its token Backstage itself refuses: what opened the catalog was the header passed on.
            Map<String, Object> withoutToken = fetch(browser, "/backstage/api/catalog/entities?filter=kind=user",
                    null);
            assertThat(withoutToken.get("status")).isEqualTo(401L);
            assertThat(gateway.audit((String) withoutToken.get("requestId")).path("decision").asText())
                    .as("the gateway let it through; Backstage answered 401").isEqualTo("allow");

            // The frontend refreshes its Backstage session in the background, with the same cookie.
            Map<String, Object> refresh = fetch(browser, "/backstage/api/auth/oauth2Proxy/refresh", null);
            assertThat(refresh.get("status")).isEqualTo(200L);
            assertThat(JSON.readTree((String) refresh.get("body")).at("/backstageIdentity/identity/userEntityRef")
                    .asText()).isEqualTo("user:default/alice");
        } finally {
            browser.quit();
        }
    }

    @Test
    void withoutASessionTheFrontendsTokenOpensNothing(@TempDir Path profile) throws Exception {
        WebDriver browser = Chromium.open(profile);
        try {
            browser.get(base + "/.well-known/drawbridge/jwks.json"); // a page of the gateway's origin, no session
            Map<String, Object> call = fetch(browser, "/backstage/api/catalog/entities", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln");
            assertThat(call.get("status")).isEqualTo(401L);
            assertThat(gateway.audit((String) call.get("requestId")).path("reason").asText())
                    .isEqualTo("token-missing");
        } finally {
            browser.quit();
        }
    }

    /** {@code fetch(path)} from the page, as the app's JavaScript would: status, body and the gateway's request id. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> fetch(WebDriver browser, String path, String bearer) {
        Object result = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const headers = { Accept: 'application/json' };
                if (arguments[1]) { headers.Authorization = 'Bearer ' + arguments[1]; }
                fetch(arguments[0], { headers })
                  .then(r => r.text().then(body => done({ status: r.status, body,
                      requestId: r.headers.get('X-Request-Id') })))
                  .catch(e => done({ status: -1, body: String(e) }));
                """, path, bearer);
        assertThat(result).isInstanceOf(Map.class);
        return (Map<String, Object>) result;
    }
}
