package io.drawbridge.audit;

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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default sink: appends one JSON line per record to a local file, from a writer thread of its own so that
 * no request waits for the disk. A failing disk is retried, never skipped; {@link #close()} writes everything
 * accepted and syncs the file.
 */
public final class FileAuditSink extends QueuedAuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(FileAuditSink.class);

    private final Path file;
    private final FileChannel channel;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);

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
    boolean write(List<AuditRecord> batch) {
        buffer.reset();
        AuditJson.writeBatch(batch, buffer, (record, e) ->
                LOG.error("audit record {} could not be serialized: {}", record.requestId(), e.toString()));
        ByteBuffer bytes = ByteBuffer.wrap(buffer.toByteArray());
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
