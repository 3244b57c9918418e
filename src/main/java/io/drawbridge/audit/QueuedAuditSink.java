package io.drawbridge.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every sink shares: a bounded queue that the request path only enqueues to, one thread of the sink's own
 * that writes batches, back-pressure instead of loss when the queue is full, and a close that writes out
 * everything accepted before it returns.
 */
abstract class QueuedAuditSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(QueuedAuditSink.class);
    private static final AuditRecord END = new AuditRecord(null, null, null, null, null, null, null, null,
            List.of(), null, null, null, null, null, 0, null, null, 0, 0, 0, null, null);

    private final BlockingQueue<AuditRecord> queue;
    private final Thread writer;
    // accept() holds the read side while it queues, close() the write side while it queues the end marker:
    // no record can slip in behind the end marker and be lost.
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private volatile boolean closed;

    QueuedAuditSink(String threadName, int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::drain, threadName);
        this.writer.setDaemon(false); // the JVM must not exit with records unwritten
    }

    /** Starts the writer; subclasses call it last in their constructor. */
    final void startWriter() {
        writer.start();
    }

    /** Writes a batch, in order; must not return before it is written (or given up with an error logged). */
    abstract void write(List<AuditRecord> batch);

    /** Releases what the sink holds, after the last batch. */
    abstract void release();

    boolean isClosed() {
        return closed;
    }

    @Override
    public final void accept(AuditRecord record) {
        closing.readLock().lock();
        try {
            if (closed) {
                // Shutdown closes the listener before the sink, so this is a bug; still, say it rather than lose it.
                LOG.error("audit record after the audit sink was closed: {}", AuditJson.toJson(record));
                return;
            }
            queue.put(record);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.error("interrupted while queueing an audit record: {}", AuditJson.toJson(record));
        } finally {
            closing.readLock().unlock();
        }
    }

    private void drain() {
        List<AuditRecord> batch = new ArrayList<>(256);
        boolean end = false;
        while (!end) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only the end marker stops the writer
            }
            queue.drainTo(batch, 4096);
            end = batch.remove(END);
            if (!batch.isEmpty()) {
                write(batch);
            }
            batch.clear();
        }
    }

    @Override
    public final void close() {
        closing.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closing.writeLock().unlock();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release();
    }
}
