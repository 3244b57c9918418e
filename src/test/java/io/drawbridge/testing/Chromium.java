package io.drawbridge.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver, so that no tool downloads a browser of its own.
 * {@code mvn verify} installs both before the integration tests (src/test/setup/install-test-tools.sh); a test run
 * another way on a machine without them fails here, naming the packages, instead of being skipped.
 */
public final class Chromium {

    public static final Path BINARY = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    /** Fails with what to install when the browser or its driver is missing. */
    public static void requireInstalled() {
        for (Path tool : new Path[] {BINARY, DRIVER}) {
            if (!Files.isExecutable(tool)) {
                throw new AssertionError(tool + " is missing: `mvn verify` installs it as root, or run "
                        + "`sudo apt-get install -y chromium chromium-driver`");
            }
        }
    }

    /**
     * The flags keep a headless browser from reaching for the network this machine does not have (background
     * updates, QUIC, sync), which would otherwise fill its log with refused connections.
     */
    public static String[] headlessArguments(Path profile) {
        return new String[] {"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync",
            "--user-data-dir=" + profile.toAbsolutePath()};
    }

    /** A fresh browser with its own profile folder; the caller quits it. */
    public static WebDriver open(Path profile) {
        requireInstalled();
        var options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments(headlessArguments(profile));
        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return browser;
    }
}
