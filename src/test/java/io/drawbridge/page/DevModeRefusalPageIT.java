package io.drawbridge.page;

import io.drawbridge.testing.GatewayProcess;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "done when", in dev mode and a real browser: bob signs in, opens {@code /echo/} and gets a page
 * naming him, the group he lacks and the route's owners, whose sign-out button signs him out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DevModeRefusalPageIT {

    private GatewayProcess gateway;
    private ChromeDriver browser;

    @BeforeAll
    void start(@TempDir Path dir) {
        int port = GatewayProcess.freePort();
        gateway = GatewayProcess.start(dir, port, List.of(), List.of("--dev"),
                Map.of("DRAWBRIDGE_DEV_PORT", String.valueOf(port),
                        "DRAWBRIDGE_DEV_MANAGEMENT_PORT", String.valueOf(GatewayProcess.freePort())));
        var options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile").toAbsolutePath());
        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        browser.manage().window().setSize(new Dimension(1000, 820));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (gateway != null) {
            gateway.stop();
        }
    }

    @Test
    void bobsBrowserGetsAPageNamingHimTheGroupHeLacksAndTheOwnersAndCanSignOut() throws Exception {
        String echo = "http://127.0.0.1:" + gateway.port() + "/echo/";
        var wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(echo);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys("bob");
        browser.findElement(By.id("password")).sendKeys("bob");
        browser.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("reason")));
        // the route owners come from the catalog in the background: reload until they show
        for (int i = 0; i < 50 && browser.findElements(By.id("owners")).isEmpty(); i++) {
            Thread.sleep(200);
            browser.get(echo);
        }

        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Access denied");
        assertThat(browser.findElement(By.id("user")).getText()).isEqualTo("bob");
        assertThat(browser.findElement(By.id("reason")).getText())
                .isEqualTo("This application is for members of sre; you are in no group.");
        assertThat(browser.findElement(By.id("owners")).getText()).isEqualTo("group:default/sre");
        assertThat(browser.findElement(By.id("route")).getText()).isEqualTo("echo");
        Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(Path.of("target", "pages"));
        Files.copy(png, Path.of("target", "pages", "403-dev-mode-bob.png"), StandardCopyOption.REPLACE_EXISTING);

        browser.findElement(By.id("sign-out")).click();
        wait.until(d -> !d.getCurrentUrl().startsWith(echo));
        browser.get(echo);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))); // signed out: sign in again
    }
}
