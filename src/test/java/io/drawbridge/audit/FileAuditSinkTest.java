package io.drawbridge.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.drawbridge.audit.AuditFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

/** The default sink: one JSON line per accepted record, all of them on the file once {@code close()} returns. */
class FileAuditSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void writesOneLinePerRecordInOrder() throws Exception {
        Path file = dir.resolve("audit.log");
        var sink = new FileAuditSink(file, 16);

        sink.accept(record("a"));
        sink.accept(record("b"));
        sink.accept(record("c"));
        sink.close();

        assertThat(requestIds(file)).containsExactly("a", "b", "c");
        assertThat(sink.file()).isEqualTo(file);
    }

    @Test
    void stampsTheInstanceOnEveryRecord() throws Exception {
        Path file = dir.resolve("audit.log");
        var sink = new FileAuditSink(file, 16, "gw-1");

        sink.accept(record("a"));
        sink.accept(record("b").withInstance("elsewhere")); // already stamped: kept
        sink.close();

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).extracting(line -> JSON.readTree(line).path("instance").asText())
                .containsExactly("gw-1", "elsewhere");
    }

    @Test
    void createsMissingParentDirectories() throws Exception {
        Path file = dir.resolve("var/log/drawbridge/audit.log");
        var sink = new FileAuditSink(file, 16);

        sink.accept(record("a"));
        sink.close();

        assertThat(requestIds(file)).containsExactly("a");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // turns a lost wake-up into a failure; not a timing assertion
    void closeWritesEveryRecordAcceptedFromSeveralThreads() throws Exception {
        Path file = dir.resolve("audit.log");
        var sink = new FileAuditSink(file, 1024); // small: producers block on the queue and wait for the writer
        int threads = 4;
        int perThread = 12_500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit((Callable<Void>) () -> {
                    for (int i = 0; i < perThread; i++) {
                        sink.accept(record("t" + thread + "-" + i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        sink.close();

        List<String> ids = requestIds(file);
        Set<String> expected = new HashSet<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                expected.add("t" + t + "-" + i);
            }
        }
        assertThat(ids).hasSize(threads * perThread).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
        // Each thread's own records keep their order.
        for (int t = 0; t < threads; t++) {
            String prefix = "t" + t + "-";
            List<Integer> order = ids.stream().filter(id -> id.startsWith(prefix))
                    .map(id -> Integer.parseInt(id.substring(prefix.length()))).toList();
            assertThat(order).isSorted();
        }
    }

    @Test
    void aSecondSinkOnTheSameFileAppends() throws Exception {
        Path file = dir.resolve("audit.log");
        var first = new FileAuditSink(file, 16);
        first.accept(record("1"));
        first.accept(record("2"));
        first.close();

        var second = new FileAuditSink(file, 16);
        second.accept(record("3"));
        second.close();

        assertThat(requestIds(file)).containsExactly("1", "2", "3");
    }

    @Test
    void appendsToAFileThatIsAlreadyThereWithoutTouchingIt() throws Exception {
        Path file = dir.resolve("audit.log");
        Files.writeString(file, "{\"requestId\":\"old\"}\n");
        var sink = new FileAuditSink(file, 16);

        sink.accept(record("new"));
        sink.close();

        assertThat(Files.readAllLines(file).get(0)).isEqualTo("{\"requestId\":\"old\"}");
        assertThat(requestIds(file)).containsExactly("old", "new");
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES) // a hang guard, not a timing assertion
    void recordsAfterCloseAreNotWrittenAndDoNotBlock() throws Exception {
        Path file = dir.resolve("audit.log");
        var sink = new FileAuditSink(file, 2);
        sink.accept(record("before"));
        sink.close();

        for (int i = 0; i < 3; i++) { // more than the queue holds: a put would block on the third
            sink.accept(record("after-" + i));
        }
        sink.close(); // twice is harmless

        assertThat(requestIds(file)).containsExactly("before");
    }

    @Test
    void aCallbackRunsOnlyOnceItsRecordIsInTheFile() throws Exception {
        Path file = dir.resolve("audit.log");
        var sink = new FileAuditSink(file, 16);
        var seen = new java.util.concurrent.CompletableFuture<List<String>>();

        sink.accept(record("earlier"));
        sink.accept(record("held"), () -> {
            try {
                seen.complete(requestIds(file)); // what a kill -9 at this instant would leave behind
            } catch (Exception e) {
                seen.completeExceptionally(e);
            }
        });

        assertThat(seen.get(30, TimeUnit.SECONDS)).containsExactly("earlier", "held");
        sink.close();
    }

    @Test
    void isBehindOnceItsBacklogReachesCapacityAndWhileItCannotWrite() throws Exception {
        var healthy = new FileAuditSink(dir.resolve("audit.log"), 4);
        assertThat(healthy.behind()).isFalse();
        healthy.close();

        var full = new FileAuditSink(Path.of("/dev/full"), 1000); // every write fails: ENOSPC
        var written = new java.util.concurrent.atomic.AtomicBoolean();
        full.accept(record("a"), () -> written.set(true));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!full.behind() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(full.behind()).as("a sink that cannot write is behind").isTrue();
        assertThat(written).as("no callback before the record is written").isFalse();
        full.shutdownStarting();
        full.close(); // gives up after the shutdown wait: the record goes to the log
        assertThat(written).as("what waited for an unwritten record never happens").isFalse();
    }

    @Test
    void aPartialLastLineLeftByAKillGetsItsLineEndBeforeNewRecords() throws Exception {
        Path file = dir.resolve("audit.log");
        Files.writeString(file, "{\"requestId\":\"whole\"}\n{\"requestId\":\"cut-sh");

        var sink = new FileAuditSink(file, 16);
        sink.accept(record("after"));
        sink.close();

        assertThat(Files.readAllLines(file)).containsExactly("{\"requestId\":\"whole\"}",
                "{\"requestId\":\"cut-sh", Files.readAllLines(file).get(2));
        assertThat(JSON.readTree(Files.readAllLines(file).get(2)).path("requestId").asText()).isEqualTo("after");
    }

    @Test
    void closingAnUnusedSinkLeavesAnEmptyFile() throws Exception {
        Path file = dir.resolve("audit.log");

        new FileAuditSink(file, 16).close();

        assertThat(file).exists().isEmptyFile();
    }

    /** The request ids of the file's lines, each line checked to be one whole JSON object. */
    private static List<String> requestIds(Path file) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            ids.add(JSON.readTree(line).get("requestId").textValue());
        }
        return ids;
    }
}
