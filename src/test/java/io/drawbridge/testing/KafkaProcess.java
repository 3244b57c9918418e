package io.drawbridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one JVM) for tests, no Docker: a child JVM
 * running {@code kafka.Kafka} from the test classpath, its storage formatted first with {@code kafka.tools.StorageTool}
 * under a random cluster id. Listens on free loopback ports; {@link #stop()} and {@link #restart()} keep the data
 * directory and the ports, so a restarted broker has every record it had.
 */
public final class KafkaProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;
    private Duration startTime;

    private KafkaProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Formats storage in {@code dir}, starts the broker and returns once an admin client sees it. */
    public static KafkaProcess start(Path dir) {
        int port = GatewayProcess.freePort();
        int controllerPort = GatewayProcess.freePort();
        var kafka = new KafkaProcess(dir, port);
        try {
            Files.writeString(dir.resolve("server.properties"), """
                    process.roles=broker,controller
                    node.id=1
                    controller.quorum.voters=1@127.0.0.1:%2$d
                    listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                    advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                    controller.listener.names=CONTROLLER
                    inter.broker.listener.name=PLAINTEXT
                    listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                    log.dirs=%3$s
                    num.partitions=1
                    auto.create.topics.enable=true
                    offsets.topic.replication.factor=1
                    offsets.topic.num.partitions=1
                    transaction.state.log.replication.factor=1
                    transaction.state.log.min.isr=1
                    group.initial.rebalance.delay.ms=0
                    """.formatted(port, controllerPort, dir.resolve("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long begin = System.nanoTime();
        kafka.run("format", List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", dir.resolve("server.properties").toString()));
        kafka.launch();
        kafka.startTime = Duration.ofNanos(System.nanoTime() - begin);
        return kafka;
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** From the start of formatting until an admin client saw the broker. */
    public Duration startTime() {
        return startTime;
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            Path log = dir.resolve("kafka.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Starts the broker again on the same data directory and ports; returns the time until it is seen. */
    public Duration restart() {
        long begin = System.nanoTime();
        launch();
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    /** SIGTERM to the broker's PID and wait for it to exit (SIGKILL if it will not within 30 s); returns the wait. */
    public Duration stop() {
        long begin = System.nanoTime();
        if (process == null || !process.isAlive()) {
            return Duration.ZERO;
        }
        ProcessHandle handle = process.toHandle();
        handle.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    @Override
    public void close() {
        stop();
    }

    private void launch() {
        try {
            Files.writeString(dir.resolve("kafka.log"), "--- start\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            process = java(List.of("kafka.Kafka", dir.resolve("server.properties").toString()))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitBroker(Duration.ofSeconds(90));
    }

    /** Runs a Kafka tool to completion; its output goes to the broker's log. */
    private void run(String what, List<String> mainAndArgs) {
        try {
            Process tool = java(mainAndArgs)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.log").toFile())).start();
            if (!tool.waitFor(60, TimeUnit.SECONDS)) {
                tool.toHandle().destroyForcibly();
                throw new IllegalStateException("kafka " + what + " did not finish:\n" + log());
            }
            if (tool.exitValue() != 0) {
                throw new IllegalStateException("kafka " + what + " failed (" + tool.exitValue() + "):\n" + log());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean listening() {
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ProcessBuilder java(List<String> mainAndArgs) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a small broker that starts fast: one GC thread, C1 only
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    }

    private void awaitBroker(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!listening() && System.nanoTime() < deadline && process.isAlive()) {
            sleep(100); // the admin client would log every refused connection
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("kafka exited with " + process.exitValue() + ":\n" + log());
                }
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    // not up yet
                }
                sleep(100);
            }
        }
        stop();
        throw new IllegalStateException("kafka did not start within " + timeout + ":\n" + log());
    }
}
