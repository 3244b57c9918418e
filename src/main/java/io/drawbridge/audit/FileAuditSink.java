package io.drawbridge.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default sink: appends one JSON line per record to a local file, from a writer thread of its own so that
 * no request waits for the disk. A full queue blocks the caller (back-pressure) rather than dropping a record;
 * {@link #close()} writes out everything accepted and syncs the file.
 */
public final class FileAuditSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(FileAuditSink.class);
    private static final AuditRecord END = new AuditRecord(null, null, null, null, null, null, null, null,
            List.of(), null, null, null, null, null, 0, null, null, 0, 0, 0, null);

    private final Path file;
    private final FileChannel channel;
    private final BlockingQueue<AuditRecord> queue;
    private final Thread writer;
    private volatile boolean closed;
    // accept() holds the read side while it queues, close() the write side while it queues the end marker:
    // no record can slip in behind the end marker and be lost.
    private final java.util.concurrent.locks.ReadWriteLock closing = new java.util.concurrent.locks.ReentrantReadWriteLock();

    public FileAuditSink(Path file, int capacity) {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit file " + file, e);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::drain, "drawbridge-audit-file");
        this.writer.setDaemon(false); // the JVM must not exit with records unwritten
        this.writer.start();
    }

    public Path file() {
        return file;
    }

    @Override
    public void accept(AuditRecord record) {
        closing.readLock().lock();
        try {
            enqueue(record);
        } finally {
            closing.readLock().unlock();
        }
    }

    private void enqueue(AuditRecord record) {
        if (closed) {
            // Shutdown closes the listener before the sink, so this is a bug; still, say it rather than lose it.
            LOG.error("audit record after the audit file was closed: {}", AuditJson.toJson(record));
            return;
        }
        try {
            queue.put(record);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.error("interrupted while queueing an audit record: {}", AuditJson.toJson(record));
        }
    }

    private void drain() {
        List<AuditRecord> batch = new ArrayList<>(256);
        var buffer = new ByteArrayOutputStream(64 * 1024);
        boolean end = false;
        while (!end) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only END stops the writer
            }
            queue.drainTo(batch, 4096);
            buffer.reset();
            for (AuditRecord record : batch) {
                if (record == END) {
                    end = true;
                } else {
                    try {
                        AuditJson.write(record, buffer);
                    } catch (RuntimeException e) {
                        LOG.error("audit record {} could not be serialized: {}", record.requestId(), e.toString());
                    }
                }
            }
            write(buffer);
            batch.clear();
        }
    }

    private synchronized void write(ByteArrayOutputStream buffer) {
        ByteBuffer bytes = ByteBuffer.wrap(buffer.toByteArray());
        while (bytes.hasRemaining()) {
            try {
                channel.write(bytes);
            } catch (java.nio.channels.ClosedChannelException e) {
                LOG.error("audit file {} closed with {} bytes unwritten", file, bytes.remaining());
                return;
            } catch (IOException e) {
                // Never drop: keep trying, and the full queue holds back new requests meanwhile.
                LOG.error("cannot write the audit file {} ({}); retrying", file, e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closing.writeLock().lock();
        try {
            closed = true;
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closing.writeLock().unlock();
        }
        try {
            writer.join();
            synchronized (this) {
                channel.force(true);
                channel.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.error("cannot close the audit file {}: {}", file, e.getMessage());
        }
    }
}
