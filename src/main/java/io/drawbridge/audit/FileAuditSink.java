package io.drawbridge.audit;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default sink: appends one JSON line per record to a local file. A failing disk is retried, never skipped;
 * {@link #close()} writes everything accepted and syncs the file.
 * <p>
 * Records of responses that wait for them ({@link #accept(AuditRecord, Executor, Runnable)} on an event loop) are
 * group-committed by the loop itself: serialized after the loop iteration's I/O into a buffer the loop reuses,
 * written with one {@code write()}, and the responses released right after it returned, with no thread hop and
 * no queue. Everything else, and every record while the writer thread has a backlog, is failing, or after a
 * write from a loop was slow (a slow disk must not stall I/O threads; {@link #SLOW_WRITE_NANOS}), goes through
 * the writer thread of {@link QueuedAuditSink}, which retries.
 */
public final class FileAuditSink extends QueuedAuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(FileAuditSink.class);

    private final Path file;
    private final FileChannel channel;
    private final Bytes buffer = new Bytes(64 * 1024);
    /** A write from an event loop slower than this sends records to the writer thread for {@link #SLOW_PAUSE_NANOS}. */
    static final long SLOW_WRITE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long SLOW_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private final boolean regularFile;
    private volatile long loopWritesPausedUntil;
    private final FastThreadLocal<LoopBatch> batches = new FastThreadLocal<>();

    public FileAuditSink(Path file, int capacity) {
        this(file, capacity, null);
    }

    /** @param instance written into every record (see {@code audit.instance}), or {@code null} */
    public FileAuditSink(Path file, int capacity, String instance) {
        super("drawbridge-audit-file", capacity, instance);
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            endPartialLine();
            this.regularFile = Files.isRegularFile(file); // a pipe or a device may block: the writer thread's job
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit file " + file, e);
        }
        startWriter();
    }

    /**
     * A process killed in the middle of a write can leave a last line without its end. Appending to it would glue
     * the next record onto it, so it gets its line end first; it stays in the file, unparseable, as evidence.
     */
    private void endPartialLine() throws IOException {
        if (!Files.isRegularFile(file) || channel.size() == 0) {
            return;
        }
        try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            reader.read(last, reader.size() - 1);
            if (last.get(0) != '\n') {
                LOG.warn("audit file {} ended in a partial line (the process was killed while writing it); it is "
                        + "kept, and new records start on a line of their own", file);
                channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
            }
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void accept(AuditRecord record, Executor loop, Runnable then) {
        if (loop instanceof EventExecutor eventLoop && eventLoop.inEventLoop() && regularFile && idle()
                && (loopWritesPausedUntil == 0 || System.nanoTime() - loopWritesPausedUntil > 0)) {
            LoopBatch batch = batches.get();
            if (batch == null || batch.loop != eventLoop) {
                batch = new LoopBatch(eventLoop);
                batches.set(batch);
            }
            batch.add(record, then);
            return;
        }
        super.accept(record, loop, then);
    }

    /** The records one event loop gathered in its current iteration; written when the iteration ends. */
    private final class LoopBatch implements Runnable {
        private final EventExecutor loop;
        private final List<AuditRecord> records = new ArrayList<>(64);
        private final List<Runnable> then = new ArrayList<>(64);
        private final Bytes bytes = new Bytes(16 * 1024);
        private boolean scheduled;

        LoopBatch(EventExecutor loop) {
            this.loop = loop;
        }

        void add(AuditRecord record, Runnable after) {
            records.add(record);
            then.add(after);
            if (!scheduled) {
                scheduled = true;
                // A task queued from the loop runs after the I/O of this iteration, without a wake-up: the batch
                // holds the records of every connection this iteration served.
                loop.execute(this);
            }
        }

        @Override
        public void run() {
            scheduled = false;
            // Take the batch out first: releasing a response may start the connection's next request, whose record
            // then joins a new batch (and a new task) instead of this one.
            List<AuditRecord> batch = Arrays.asList(records.toArray(new AuditRecord[0]));
            Runnable[] after = then.toArray(new Runnable[0]);
            records.clear();
            then.clear();
            try {
                commit(batch, after);
            } finally {
                if (bytes.capacity() > 1024 * 1024) {
                    bytes.shrink(); // a burst of large records: do not keep its buffer forever
                }
            }
        }

        private void commit(List<AuditRecord> batch, Runnable[] after) {
            stamp(batch);
            bytes.reset();
            AuditJson.writeBatch(batch, bytes, (record, e) ->
                    LOG.error("audit record {} could not be serialized: {}", record.requestId(), e.toString()));
            long started = System.nanoTime();
            if (!writeOnce(bytes.contents())) {
                // The writer thread retries, and the responses wait for it. Part of the batch may be in the file
                // already: a record written twice is better than one lost.
                for (int i = 0; i < batch.size(); i++) {
                    FileAuditSink.super.accept(batch.get(i), loop, after[i]);
                }
                return;
            }
            long took = System.nanoTime() - started;
            if (took > SLOW_WRITE_NANOS) {
                loopWritesPausedUntil = Math.max(1, System.nanoTime() + SLOW_PAUSE_NANOS);
                LOG.info("writing the audit file {} took {} ms: records go through the writer thread for {} s",
                        file, TimeUnit.NANOSECONDS.toMillis(took), TimeUnit.NANOSECONDS.toSeconds(SLOW_PAUSE_NANOS));
            }
            observed(batch);
            for (Runnable next : after) {
                if (next != null) {
                    try {
                        next.run();
                    } catch (RuntimeException e) {
                        LOG.warn("after an audit write: {}", e.toString());
                    }
                }
            }
        }
    }

    /** One attempt, from an event loop: true when every byte was handed to the operating system. */
    private boolean writeOnce(ByteBuffer bytes) {
        try {
            while (bytes.hasRemaining()) {
                if (channel.write(bytes) == 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            LOG.warn("audit file {}: a write from an I/O thread failed ({}); the writer thread retries", file,
                    e.getMessage());
            return false;
        }
    }

    /** A reusable buffer whose contents are written without a copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        private final int initial;

        Bytes(int size) {
            super(size);
            this.initial = size;
        }

        ByteBuffer contents() {
            return ByteBuffer.wrap(buf, 0, count);
        }

        int capacity() {
            return buf.length;
        }

        void shrink() {
            buf = new byte[initial];
            count = 0;
        }
    }

    @Override
    boolean write(List<AuditRecord> batch) {
        buffer.reset();
        AuditJson.writeBatch(batch, buffer, (record, e) ->
                LOG.error("audit record {} could not be serialized: {}", record.requestId(), e.toString()));
        ByteBuffer bytes = buffer.contents();
        while (bytes.hasRemaining()) {
            try {
                channel.write(bytes);
                failing(false);
            } catch (ClosedChannelException e) {
                LOG.error("audit file {} closed with {} bytes unwritten", file, bytes.remaining());
                return false;
            } catch (IOException e) {
                // Never drop: keep trying; meanwhile the sink is behind, and new requests wait or are refused.
                failing(true);
                if (stopping() && shutdownWaitLeft() == 0) {
                    // Shutting down and the disk still refuses: the log is the last place the records can go.
                    String unwritten = new String(bytes.array(), bytes.position(), bytes.remaining(),
                            StandardCharsets.UTF_8);
                    for (String line : unwritten.split("\n")) {
                        if (!line.isBlank()) {
                            LOG.error("audit file {} unwritable at shutdown; unwritten record: {}", file, line);
                        }
                    }
                    return false;
                }
                LOG.error("cannot write the audit file {} ({}); retrying", file, e.getMessage());
                sleep(stopping() ? Math.max(1, Math.min(1000, shutdownWaitLeft())) : 1000);
            }
        }
        return true;
    }

    @Override
    void release() {
        try {
            channel.force(true);
            channel.close();
        } catch (IOException e) {
            LOG.error("cannot close the audit file {}: {}", file, e.getMessage());
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
