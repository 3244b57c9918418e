package io.drawbridge.ops;

import io.drawbridge.testing.Chromium;
import io.drawbridge.testing.GatewayProcess;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented command ({@code java -jar drawbridge.jar --dev --hawtio}) serves Hawtio on the management port,
 * and a real browser (Debian's headless Chromium) shows the gateway's live routes, the catalog-declared one among
 * them, with the controls to suspend them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HawtioIT {

    private static final List<String> ROUTES = List.of("echo", "public", "platform", "dev-idp", "drawbridge-keys",
            "catalog-component-default-echo");

    private Path dir;
    private GatewayProcess gateway;
    private int managementPort;

    @BeforeAll
    void start(@TempDir Path dir) {
        Chromium.requireInstalled();
        this.dir = dir;
        int port = GatewayProcess.freePort();
        managementPort = GatewayProcess.freePort();
        gateway = GatewayProcess.start(dir, port, List.of(), List.of("--dev", "--hawtio"),
                Map.of("DRAWBRIDGE_DEV_PORT", String.valueOf(port),
                        "DRAWBRIDGE_DEV_MANAGEMENT_PORT", String.valueOf(managementPort)));
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    /** Runs headless Chromium on the console page with a fresh profile; stopped by PID if it overruns. */
    private String chromium(String output, String url) throws Exception {
        List<String> command = new ArrayList<>(List.of(Chromium.BINARY.toString()));
        command.addAll(List.of(Chromium.headlessArguments(Files.createTempDirectory(dir, "profile"))));
        command.addAll(List.of("--virtual-time-budget=20000", "--window-size=1400,900", output, url));
        Path out = Files.createTempFile(dir, "chromium", ".out");
        Process browser = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!browser.waitFor(90, TimeUnit.SECONDS)) {
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
            throw new AssertionError("chromium (pid " + browser.pid() + ") did not finish within 90 s");
        }
        return Files.readString(out);
    }

    private String console() {
        return "http://127.0.0.1:" + managementPort + "/hawtio/camel/routes";
    }

    @Test
    void theConsoleListsEveryLiveRouteWithTheControlsToSuspendThem() throws Exception {
        String dom = chromium("--dump-dom", console());
        assertThat(dom).contains("Camel Contexts", "drawbridge", "Suspend");
        for (String route : ROUTES) {
            assertThat(dom).as("route %s in the console", route).contains(">" + route + "<");
        }
    }

    @Test
    void aScreenshotShowsTheRenderedConsole() throws Exception {
        Path png = dir.resolve("hawtio.png");
        chromium("--screenshot=" + png, console());
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG at %s", png).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1400);
        // Hawtio's dark masthead and navigation over a light page: a rendered console, not a blank or error page.
        assertThat(brightness(image, 700, 30)).as("masthead").isLessThan(60);
        assertThat(brightness(image, 100, 600)).as("navigation").isLessThan(80);
        assertThat(brightness(image, 1000, 700)).as("content").isGreaterThan(200);
        assertThat(distinctColours(image)).as("a drawn page").isGreaterThan(50);
        copyForReaders(png);
    }

    @Test
    void theConsoleIsOnTheManagementPortOnly() {
        var viaData = io.drawbridge.testing.RawHttp.exchange(gateway.port(),
                "GET /hawtio/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(viaData.status()).isEqualTo(404);
    }

    @Test
    void startsWithoutAnErrorInItsOutput() {
        assertThat(gateway.log()).doesNotContain("SLF4J", "ClassCastException", " ERROR ", "Exception");
    }

    @Test
    void hawtiosJolokiaIsTheGatewaysOwn() throws Exception {
        var version = jolokiaVersion(managementPort, null);
        assertThat(version.statusCode()).as(version.body()).isEqualTo(200);
        assertThat(JSON.readTree(version.body()).path("value").path("agent").asText())
                .isEqualTo(org.jolokia.server.core.Version.getAgentVersion());
    }

    /**
     * Outside dev mode, with the credentials the configuration gives: Hawtio's Jolokia answers as the gateway's
     * own Jolokia does (the war's Jolokia 2.1.1 beside the gateway's answered a ClassCastException), and the
     * start-up output holds no error (the war's SLF4J binding printed one).
     */
    @Test
    void hawtiosJolokiaAnswersBehindTheConfiguredCredentialsAndStartsWithoutErrors(@TempDir Path other)
            throws Exception {
        int port = GatewayProcess.freePort();
        int management = GatewayProcess.freePort();
        Files.createDirectories(other.resolve("routes"));
        Files.writeString(other.resolve("drawbridge.yaml"), """
                server:
                  host: 127.0.0.1
                  port: %d
                management:
                  host: 127.0.0.1
                  port: %d
                  hawtio: true
                  username: operator
                  password: ${MANAGEMENT_PASSWORD}
                """.formatted(port, management));
        try (var configured = GatewayProcess.start(other, port, List.of(), List.of("--config", "drawbridge.yaml"),
                Map.of("MANAGEMENT_PASSWORD", "a-management-password"))) {
            assertThat(jolokiaVersion(management, null).statusCode()).isEqualTo(401);
            assertThat(jolokiaVersion(management, "operator:wrong-password").statusCode()).isEqualTo(401);
            var version = jolokiaVersion(management, "operator:a-management-password");
            assertThat(version.statusCode()).as(version.body()).isEqualTo(200);
            var answer = JSON.readTree(version.body());
            assertThat(answer.path("status").asInt()).isEqualTo(200);
            assertThat(answer.path("value").path("agent").asText())
                    .isEqualTo(org.jolokia.server.core.Version.getAgentVersion());
            var plugins = get(management, "/hawtio/plugin", "operator:a-management-password");
            assertThat(plugins.statusCode()).as(plugins.body()).isEqualTo(200);
            assertThat(JSON.readTree(plugins.body()).isArray()).isTrue();
            assertThat(configured.log()).contains("/hawtio")
                    .doesNotContain("SLF4J", "ClassCastException", " ERROR ", " WARN ", "Exception");
        }
    }

    private static java.net.http.HttpResponse<String> jolokiaVersion(int port, String credentials)
            throws Exception {
        return get(port, "/hawtio/jolokia/version", credentials);
    }

    private static java.net.http.HttpResponse<String> get(int port, String path, String credentials)
            throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path));
        if (credentials != null) {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                    credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return java.net.http.HttpClient.newHttpClient().send(request.build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private static int brightness(BufferedImage image, int x, int y) {
        int rgb = image.getRGB(x, y);
        return (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff)) / 3;
    }

    private static int distinctColours(BufferedImage image) {
        var colours = new java.util.HashSet<Integer>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    /** Keeps the screenshot under target/ for whoever reads the build's output. */
    private static void copyForReaders(Path png) throws IOException {
        Path target = Path.of("target", "hawtio-routes.png");
        if (Files.isDirectory(target.getParent())) {
            Files.copy(png, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
