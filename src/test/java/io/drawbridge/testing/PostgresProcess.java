package io.drawbridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real, throwaway PostgreSQL cluster, the project's fixture in {@code src/test/fixtures/postgres}: initialised
 * in a temporary folder, listening on a free loopback port, started by the test and stopped by PID. It can be
 * stopped and started again on the same data (a database outage), and is deleted by {@link #close}.
 */
public final class PostgresProcess implements AutoCloseable {

    public static final Path FIXTURE = BackstageProcess.PROJECT.resolve("src/test/fixtures/postgres");
    public static final String USER = "drawbridge";
    public static final String PASSWORD = "drawbridge-test";

    private final int port;
    private final Path data;
    private long pid = -1;
    private boolean closed;

    private PostgresProcess(int port, Path data) {
        this.port = port;
        this.data = data;
    }

    /** A new cluster, running. */
    public static PostgresProcess start() throws IOException, InterruptedException {
        PostgresProcess postgres = new PostgresProcess(GatewayProcess.freePort(),
                Files.createTempDirectory("drawbridge-postgres-"));
        try {
            postgres.startAgain();
            return postgres;
        } catch (IOException | InterruptedException | RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    /** Starts the server on the same data and port after {@link #stop}. */
    public synchronized void startAgain() throws IOException, InterruptedException {
        Path log = data.resolveSibling(data.getFileName() + ".start.log");
        ProcessBuilder start = new ProcessBuilder("bash", FIXTURE.resolve("start.sh").toString())
                .redirectError(log.toFile());
        start.environment().putAll(environment());
        Process script = start.start();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!script.waitFor(2, TimeUnit.MINUTES) || script.exitValue() != 0 || !out.matches("\\d+")) {
            script.destroyForcibly();
            throw new IllegalStateException("PostgreSQL did not start (" + out + "):\n" + Files.readString(log));
        }
        Files.deleteIfExists(log);
        pid = Long.parseLong(out);
    }

    private Map<String, String> environment() {
        return Map.of("PG_PORT", String.valueOf(port), "PG_DATA", data.toString(), "PG_USER", USER,
                "PG_PASSWORD", PASSWORD);
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of a database on this server ({@code postgres} always exists). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates an empty database, for one test's isolation; returns its JDBC URL. */
    public String createDatabase(String name) throws SQLException {
        if (!name.matches("[a-z][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("a plain lower-case database name, please");
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return jdbcUrl(name);
    }

    /** Stops the server (fast shutdown: sessions ended, data kept), by the PID its start printed. */
    public synchronized void stop() throws IOException, InterruptedException {
        ProcessBuilder stop = new ProcessBuilder("bash", FIXTURE.resolve("stop.sh").toString()).inheritIO();
        stop.environment().putAll(environment());
        stop.start().waitFor(30, TimeUnit.SECONDS);
        if (pid > 0) {
            // only if stop.sh left it running, and only a postgres (a PID can be reused once it has exited)
            ProcessHandle.of(pid).filter(p -> p.info().command().orElse("").contains("postgres")).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
            });
        }
        pid = -1;
    }

    /** Stops it and deletes its data. */
    @Override
    public synchronized void close() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
