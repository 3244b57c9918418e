package io.drawbridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as users run it: {@code java -jar target/drawbridge.jar ...} in a JVM of its own, started in a
 * working folder, waited for on its port, stopped by PID with SIGTERM (then SIGKILL if it will not go).
 */
public final class GatewayProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private GatewayProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** The built jar; failsafe passes its path, and it exists because integration tests run after package. */
    public static Path jar() {
        String path = System.getProperty("drawbridge.jar", "target/drawbridge.jar");
        Path jar = Path.of(path);
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after 'mvn package'");
        }
        return jar.toAbsolutePath();
    }

    public static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the gateway logs once it has started completely. */
    public static final String STARTED = "Drawbridge started";

    public static GatewayProcess start(Path workDir, int port, List<String> jvmOptions, List<String> args,
                                       Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(args);
        Path log = workDir.resolve("gateway.log");
        var builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().putIfAbsent("DRAWBRIDGE_DEV_MANAGEMENT_PORT", "0"); // never the developer's 8081
        try {
            Process process = builder.start();
            var gateway = new GatewayProcess(process, log, port);
            gateway.awaitPort(60_000);
            return gateway;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitPort(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited with " + process.exitValue() + ":\n" + log());
            }
            try (var socket = new Socket("127.0.0.1", port)) {
                if (log().contains(STARTED)) { // the port opens first; routes, catalog and management follow
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(100);
        }
        close();
        throw new IllegalStateException("the gateway did not start on " + port + " within " + timeoutMillis
                + " ms:\n" + log());
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Resident memory of the gateway process in KiB, from /proc (0 where there is none). */
    public long residentKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** SIGTERM and wait for a clean exit; returns the exit status. */
    public int stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** SIGKILL: the process ends at once, with no shutdown of any kind; returns the exit status (137). */
    public int kill() {
        process.destroyForcibly(); // SIGKILL on Linux
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
