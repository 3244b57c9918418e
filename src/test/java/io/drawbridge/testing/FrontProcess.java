package io.drawbridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A front the tests put before the gateway (nginx, Caddy, HAProxy from Debian's packages), run as a child
 * process in the foreground with its output in a log file, and ready once its port accepts connections. A front
 * that is not installed fails the test: src/test/setup/install-test-tools.sh installs them.
 */
public final class FrontProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private FrontProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts {@code command}, logging to {@code log}, and waits until it listens on {@code port}. */
    public static FrontProcess start(List<String> command, Path log, int port) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            var front = new FrontProcess(process, log, port);
            front.awaitPort();
            return front;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0)
                    + " (run src/test/setup/install-test-tools.sh)", e);
        }
    }

    private void awaitPort() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the front exited with " + process.exitValue() + ":\n" + output());
            }
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                sleep();
            }
        }
        close();
        throw new AssertionError("the front did not listen on " + port + " within 20 s:\n" + output());
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int port() {
        return port;
    }

    /** What the front printed so far (its error log, when it writes there). */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
