package io.drawbridge.audit;

import io.netty.channel.DefaultEventLoop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.drawbridge.audit.AuditFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file sink's group commit on an event loop: the records an iteration gathers are written together at its end,
 * and what waits for them runs on the loop itself, only once every one of them is in the file.
 */
class FileAuditSinkLoopTest {

    @TempDir
    Path dir;
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void recordsOfOneIterationAreWrittenTogetherBeforeWhatWaitsForThemRunsOnTheLoop() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        var sink = new FileAuditSink(file, 16);
        List<String> seen = new CopyOnWriteArrayList<>();
        var done = new CompletableFuture<Void>();
        loop.execute(() -> {
            for (String id : List.of("a", "b", "c")) {
                sink.accept(record(id), loop, () -> {
                    seen.add(id + " on loop=" + loop.inEventLoop() + " lines=" + lines(file).size());
                    if (id.equals("c")) {
                        done.complete(null);
                    }
                });
            }
            seen.add("iteration over, lines=" + lines(file).size()); // nothing written while the iteration runs
        });
        done.get(5, TimeUnit.SECONDS);
        assertThat(seen).containsExactly("iteration over, lines=0", "a on loop=true lines=3",
                "b on loop=true lines=3", "c on loop=true lines=3");
        sink.close();
        assertThat(lines(file)).hasSize(3);
    }

    @Test
    void aRecordAcceptedWhileReleasingTheLastBatchIsWrittenAndReleasedToo() throws Exception {
        // Releasing a response starts the connection's next (pipelined) request, whose record arrives right here.
        Path file = dir.resolve("audit.jsonl");
        var sink = new FileAuditSink(file, 16);
        var second = new CompletableFuture<Integer>();
        loop.execute(() -> sink.accept(record("first"), loop,
                () -> sink.accept(record("second"), loop, () -> second.complete(lines(file).size()))));
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(2);
        sink.close();
    }

    @Test
    void aRecordFromAnotherThreadGoesThroughTheWriterAndStillWaitsForTheWrite() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        var sink = new FileAuditSink(file, 16);
        var after = new CompletableFuture<String>();
        Executor elsewhere = Runnable::run;
        sink.accept(record("x"), loop, () -> after.complete("loop=" + loop.inEventLoop() + " lines="
                + lines(file).size()));
        assertThat(after.get(5, TimeUnit.SECONDS)).isEqualTo("loop=true lines=1");
        var direct = new CompletableFuture<Integer>();
        sink.accept(record("y"), elsewhere, () -> direct.complete(lines(file).size()));
        assertThat(direct.get(5, TimeUnit.SECONDS)).isEqualTo(2);
        sink.close();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
