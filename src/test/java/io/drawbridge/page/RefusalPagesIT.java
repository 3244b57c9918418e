package io.drawbridge.page;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.TokenMinter;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages people get, in a real browser (Debian's headless Chromium through chromedriver): 401, 403 at each
 * explain level, 404 and 502, with screenshots kept under {@code target/pages/}; hostile values stay text in the
 * rendered DOM; API clients keep JSON with the reason code, unless the policy says {@code explain: none}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefusalPagesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SHOTS = Path.of("target", "pages");
    private static final String EVIL = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>";

    private final TokenMinter minter = new TokenMinter();
    private GatewayFixture gateway;
    private ChromeDriver browser;
    private String bob;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        int deadPort;
        try (var socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort(); // closed again: nothing listens there
        }
        minter.writeJwks(dir.resolve("jwks.json"));
        bob = minter.token("bob", List.of("group:default/payments"));
        Files.writeString(dir.resolve("catalog.yaml"), """
                apiVersion: backstage.io/v1alpha1
                kind: Group
                metadata: { name: sre }
                spec: { type: team, children: [] }
                ---
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata:
                  name: grafana
                  annotations:
                    drawbridge.io/routes: grafana, grafana-full, grafana-none, down
                spec: { type: service, lifecycle: production, owner: sre }
                """);
        String rule = """
                    allow:
                      - name: sre-or-platform
                        groups: ["group:default/sre", "group:default/platform"]
                """;
        String config = """
                @TEST_ISSUER@
                catalog:
                  files: @DIR@/catalog.yaml
                  pollInterval: 1s
                policies:
                  grafana:
                %s  grafana-full:
                    explain: full
                %s  grafana-none:
                    explain: none
                %s  open:
                    public: true
                """.formatted(rule, rule, rule);
        gateway = GatewayFixture.start(dir, config, Map.of(
                "grafana.yaml", route("grafana", "/grafana", true, "grafana", "{{upstream.dead}}"),
                "full.yaml", route("grafana-full", "/full", true, "grafana-full", "{{upstream.dead}}"),
                "none.yaml", route("grafana-none", "/none", true, "grafana-none", "{{upstream.dead}}"),
                "down.yaml", route("down", "/down", false, "open", "{{upstream.dead}}")),
                Map.of("upstream.dead", "http://127.0.0.1:" + deadPort));
    }

    private static String route(String id, String path, boolean authenticate, String policy, String upstream) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "gateway:%s"
                      steps:
                %s        - to: drawbridge:authorize?policy=%s
                        - to: "drawbridge:proxy?upstream=%s"
                """.formatted(id, path, authenticate ? "        - to: drawbridge:authenticate\n" : "", policy,
                upstream);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @BeforeEach
    void openBrowser(@TempDir Path profile) {
        var options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync",
                "--user-data-dir=" + profile.toAbsolutePath());
        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        browser.manage().window().setSize(new Dimension(1100, 900));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** Every request of this browser carries the token, as an API client's would, but asks for HTML. */
    private void signedInAs(String token) {
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setExtraHTTPHeaders",
                Map.of("headers", Map.of("Authorization", "Bearer " + token)));
    }

    /** Opens the page; the route owners come from the catalog in the background, so wait for them to show. */
    private void open(String path, boolean owners) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        do {
            browser.get(gateway.url(path));
            if (!owners || !browser.findElements(By.id("owners")).isEmpty()) {
                return;
            }
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("the page of " + path + " never named the route's owners");
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    @Test
    void bobsRefusalSaysWhatHeLacksWhoHeIsAndWhomToAsk() throws Exception {
        signedInAs(bob);
        open("/grafana/dashboards", true);

        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Access denied");
        assertThat(text("reason")).isEqualTo("This application is for members of group:default/sre or"
                + " group:default/platform; you are in group:default/payments.");
        assertThat(text("user")).isEqualTo("bob");
        assertThat(text("route")).isEqualTo("grafana");
        assertThat(text("owners")).contains("group:default/sre");
        assertThat(text("request-id")).isNotBlank();
        assertThat(browser.getPageSource()).doesNotContain("127.0.0.1:").doesNotContain(bob);
        screenshot("403-requirement");
        browser.manage().window().setSize(new Dimension(390, 844)); // a phone
        open("/grafana/dashboards", true);
        assertThat(browser.findElement(By.tagName("h1")).getRect().getWidth()).isLessThanOrEqualTo(390);
        screenshot("403-requirement-phone");
    }

    @Test
    void aFullPolicyNamesTheRuleANonePolicyOnlyTheRequestId() throws Exception {
        signedInAs(bob);
        open("/full/x", true);
        assertThat(text("details")).contains("Rule sre-or-platform requires group in")
                .contains("Decided by policy grafana-full (reason: group-missing).");
        screenshot("403-full");

        open("/none/x", false);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Access denied");
        assertThat(browser.findElements(By.id("reason"))).isEmpty();
        assertThat(browser.findElements(By.id("owners"))).isEmpty();
        assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContain("sre")
                .doesNotContain("payments").doesNotContain("grafana");
        assertThat(text("request-id")).isNotBlank();
        screenshot("403-none");
    }

    @Test
    void theOtherPagesSayWhatHappenedAndWhatToDo() throws Exception {
        open("/grafana/", false);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Sign-in needed");
        assertThat(browser.findElements(By.id("sign-out"))).isEmpty();
        screenshot("401");

        open("/nowhere", false);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Nothing here");
        screenshot("404");

        open("/down/", true);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("The application is not answering");
        assertThat(text("next")).contains("Try again in a minute.");
        assertThat(browser.getPageSource()).doesNotContain("127.0.0.1:");
        screenshot("502");
    }

    @Test
    void hostileGroupsAndPathsStayTextInTheBrowser() throws Exception {
        signedInAs(minter.token("mallory" + EVIL, List.of("group" + EVIL)));
        open("/full/%3Cimg%20src=x%20onerror=document.title='pwned'%3E", true);

        assertThat(browser.getTitle()).doesNotContain("pwned");
        assertThat(browser.findElements(By.tagName("script"))).isEmpty();
        assertThat(browser.findElements(By.tagName("img"))).isEmpty();
        assertThat(text("user")).isEqualTo("mallory" + EVIL);
        assertThat(text("reason")).contains("you are in group" + EVIL);
    }

    @Test
    void pagesComeWithAStrictPolicyAndApiClientsKeepJson() throws Exception {
        var http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(gateway.url("/grafana/")))
                .header("Accept", "text/html").header("Authorization", "Bearer " + bob).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .startsWith("default-src 'none'; style-src 'sha256-").contains("frame-ancestors 'none'");
        assertThat(page.body()).doesNotContain("http://").doesNotContain("https://");

        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(gateway.url("/grafana/")))
                .header("Authorization", "Bearer " + bob).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(api.body());
        assertThat(api.statusCode()).isEqualTo(403);
        assertThat(json.path("reason").asText()).isEqualTo("group-missing");
        assertThat(json.path("requestId").asText()).isEqualTo(api.headers().firstValue("X-Request-Id").orElseThrow());

        HttpResponse<String> silent = http.send(HttpRequest.newBuilder(URI.create(gateway.url("/none/")))
                .header("Authorization", "Bearer " + bob).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(silent.body()).has("reason")).isFalse();
        assertThat(gateway.audit(silent.headers().firstValue("X-Request-Id").orElseThrow()).path("reason").asText())
                .isEqualTo("group-missing");
    }

    private void screenshot(String name) throws Exception {
        Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
        assertThat(Files.size(png)).isPositive();
        Files.createDirectories(SHOTS);
        Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
