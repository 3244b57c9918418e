package io.drawbridge.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Backstage backend (catalog + oauth2Proxy sign-in), the project's fixture in
 * {@code src/test/fixtures/backstage}, on a free loopback port, reading the catalog files a test names. Started by
 * the test, stopped by PID. The first start on a machine installs it with npm (about a minute).
 */
public final class BackstageProcess implements AutoCloseable {

    public static final Path PROJECT = Path.of(System.getProperty("drawbridge.project.dir", ".")).toAbsolutePath();
    public static final Path FIXTURE = PROJECT.resolve("src/test/fixtures/backstage");

    private final int port;
    private final long pid;
    private boolean stopped;

    private BackstageProcess(int port, long pid) {
        this.port = port;
        this.pid = pid;
    }

    /**
     * @param catalogGlob absolute glob of catalog-info.yaml files
     * @param token       the static external-access token the catalog API will accept
     */
    public static BackstageProcess start(String catalogGlob, String token) throws IOException, InterruptedException {
        int port = GatewayProcess.freePort();
        Path log = PROJECT.resolve("target/backstage-" + port + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder start = new ProcessBuilder("bash", FIXTURE.resolve("start.sh").toString())
                .redirectError(log.toFile());
        start.environment().put("BACKSTAGE_PORT", String.valueOf(port));
        start.environment().put("BACKSTAGE_TOKEN", token);
        start.environment().put("BACKSTAGE_CATALOG", catalogGlob);
        Process script = start.start();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!script.waitFor(5, TimeUnit.MINUTES) || script.exitValue() != 0 || !out.matches("\\d+")) {
            throw new IllegalStateException("Backstage did not start (" + out + "):\n" + Files.readString(log));
        }
        return new BackstageProcess(port, Long.parseLong(out));
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops it with its own stop script, then by the PID start.sh printed if it is still there. */
    public synchronized void stop() throws IOException, InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        ProcessBuilder stop = new ProcessBuilder("bash", FIXTURE.resolve("stop.sh").toString()).inheritIO();
        stop.environment().put("BACKSTAGE_PORT", String.valueOf(port));
        stop.start().waitFor(30, TimeUnit.SECONDS);
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroy();
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> {
                p.destroyForcibly();
                return p;
            }).join();
        });
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
    }
}
