package io.drawbridge.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.dev.EchoUpstream;
import io.drawbridge.testing.Chromium;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.KeycloakProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole story in real browsers against a real Keycloak: bob is denied, asks on the 403 page with a reason;
 * alice, an owner of the route in the catalog, approves in her own browser session; bob's page loads; the short
 * grant ends and bob is denied again. Every step is in the audit log. Alice's real session cookie, sent by
 * another site, cannot approve anything.
 */
class AccessBrowserIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    static final String REASON = "Investigating <b>incident</b> 42 & friends";

    static KeycloakProcess keycloak;
    static EchoUpstream echo;
    static GatewayFixture gateway;
    static String base;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        int port = GatewayProcess.freePort();
        base = "http://127.0.0.1:" + port;
        keycloak = KeycloakProcess.start(base + "/oauth2/callback", base + "/");
        echo = EchoUpstream.start();
        Files.writeString(dir.resolve("catalog.yaml"), """
                apiVersion: backstage.io/v1alpha1
                kind: Group
                metadata: { name: sre }
                spec: { type: team, children: [], members: [alice] }
                ---
                apiVersion: backstage.io/v1alpha1
                kind: User
                metadata: { name: alice }
                spec: { profile: { email: alice@example.com } }
                ---
                apiVersion: backstage.io/v1alpha1
                kind: User
                metadata: { name: bob }
                spec: { profile: { email: bob@example.com } }
                ---
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata:
                  name: tools
                  annotations: { drawbridge.io/routes: tools }
                spec: { type: service, lifecycle: production, owner: sre }
                """);
        String config = """
                issuers:
                  - name: keycloak
                    issuer: %s
                    audiences: [drawbridge]
                catalog:
                  files: @DIR@/catalog.yaml
                access:
                  store: {url: "jdbc:h2:file:@DIR@/access"}
                policies:
                  tools:
                    allow: [{groups: ["group:default/sre"]}]
                    request: {approvers: [owners], maxDuration: 1h, defaultDuration: 8s}
                login:
                  issuer: keycloak
                  clientId: drawbridge-gateway
                  clientSecret: ${DRAWBRIDGE_TEST_CLIENT_SECRET:-drawbridge-gateway-secret}
                  redirectUri: %s/oauth2/callback
                  session:
                    keys: ["${DRAWBRIDGE_TEST_SESSION_KEY:-%s}"]
                """.formatted(keycloak.issuer(), base, KEY);
        String route = """
                - route:
                    id: tools
                    from:
                      uri: gateway:/tools
                      steps:
                        - to: drawbridge:authenticate?login=browser
                        - to: drawbridge:enrich
                        - to: drawbridge:authorize
                        - to: drawbridge:proxy?upstream={{upstream.echo}}&stripPrefix=true
                """;
        gateway = GatewayFixture.start(dir, config, Map.of("tools.yaml", route), Map.of("upstream.echo", echo.url()),
                port);
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

    @Test
    void bobAsksAliceApprovesBobGetsInUntilTheGrantEnds(@TempDir Path bobProfile, @TempDir Path aliceProfile)
            throws Exception {
        WebDriver bob = Chromium.open(bobProfile);
        WebDriver alice = Chromium.open(aliceProfile);
        try {
            bob.get(base + "/tools/");
            signIn(bob, "bob", "bob-password");
            wait(bob).until(ExpectedConditions.presenceOfElementLocated(By.id("request-access")));
            assertThat(bob.getTitle()).startsWith("Access denied");

            new Select(bob.findElement(By.id("request-duration"))).selectByValue("8s");
            bob.findElement(By.id("request-reason")).sendKeys(REASON);
            bob.findElement(By.id("request-submit")).click();
            wait(bob).until(ExpectedConditions.urlToBe(base + "/.drawbridge/access"));
            assertThat(bob.findElement(By.id("requests")).getText()).contains("tools").contains(REASON);

            alice.get(base + "/.drawbridge/access");
            signIn(alice, "alice", "alice-password");
            wait(alice).until(ExpectedConditions.presenceOfElementLocated(By.id("inbox")));
            var pending = alice.findElement(By.cssSelector("#inbox .pending"));
            assertThat(pending.getText()).contains("bob").contains("tools").contains(REASON).contains("8s");

            assertCrossSiteApprovalRefused(alice, pending.getAttribute("id").substring("pending-".length()));

            pending.findElement(By.cssSelector("button.approve")).click();
            wait(alice).until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#inbox .pending")));

            bob.get(base + "/tools/after-approval");
            JsonNode echoed = JSON.readTree(bob.findElement(By.tagName("body")).getText());
            assertThat(echoed.path("path").asText()).isEqualTo("/after-approval");

            long deadline = System.currentTimeMillis() + 30_000;
            do {
                Thread.sleep(1000);
                bob.get(base + "/tools/later");
            } while (!bob.getTitle().startsWith("Access denied") && System.currentTimeMillis() < deadline);
            assertThat(bob.getTitle()).as("denied again once the grant ended").startsWith("Access denied");
        } finally {
            bob.quit();
            alice.quit();
        }
        var reasons = gateway.auditRecords().stream().map(r -> r.path("reason").asText()).toList();
        assertThat(reasons).contains("access-requested", "access-approved", "grant-active");
        JsonNode admitted = gateway.auditRecords().stream()
                .filter(r -> "grant-active".equals(r.path("reason").asText())).findFirst().orElseThrow();
        assertThat(admitted.path("subject").asText()).isEqualTo("bob");
        assertThat(admitted.path("grant").path("approvedBy").asText()).isEqualTo("alice");
        JsonNode asked = gateway.auditRecords().stream()
                .filter(r -> "access-requested".equals(r.path("reason").asText())).findFirst().orElseThrow();
        assertThat(asked.path("access").path("reason").asText()).isEqualTo(REASON);
    }

    /** Alice's own session cookie, sent by a page of another site, approves nothing. */
    private static void assertCrossSiteApprovalRefused(WebDriver alice, String requestId) throws Exception {
        String cookies = alice.manage().getCookies().stream().sorted(Comparator.comparing(c -> c.getName()))
                .map(c -> c.getName() + "=" + c.getValue()).collect(Collectors.joining("; "));
        var forged = HttpRequest.newBuilder(URI.create(base + "/.drawbridge/access/requests/" + requestId
                        + "/approve"))
                .header("Cookie", cookies)
                .header("Origin", "https://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("duration=8s")).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(forged, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.body()).path("reason").asText()).isEqualTo("access-cross-site");
    }

    private static WebDriverWait wait(WebDriver browser) {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    private static void signIn(WebDriver browser, String user, String password) {
        wait(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("kc-login")).click();
    }
}
