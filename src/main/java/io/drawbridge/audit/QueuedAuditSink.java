package io.drawbridge.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every sink shares: a bounded queue that the request path only enqueues to, one thread of the sink's own
 * that writes batches, back-pressure instead of loss when the queue is full, and a close that writes out
 * everything accepted before it returns. A sink whose write has not returned for {@link #STALLED_AFTER_MILLIS}
 * counts as failing, like one whose write failed: a hung disk or a broker that does not answer makes the gateway
 * unready instead of quietly filling the queue.
 * <p>
 * The hand-off is lock-free and never wakes the writer: the writer looks for records every millisecond and writes
 * what has gathered as one batch. A blocking queue's signal on every record cost two futex system calls per
 * request in the profile, and one disk write per record.
 */
public abstract class QueuedAuditSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(QueuedAuditSink.class);
    private static final long IDLE_PARK_NANOS = 1_000_000;
    /** How long one write may take before the sink reports itself failing. */
    public static final long STALLED_AFTER_MILLIS = 3_000;
    /** At shutdown, how long in all a sink that cannot write is retried before what is left goes to the log. */
    static final long SHUTDOWN_WAIT_MILLIS = 10_000;

    private final ConcurrentLinkedQueue<AuditRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private final Thread writer;
    private final Object roomMade = new Object();
    // accept() holds the read side while it queues, close() the write side while it marks the end:
    // no record can slip in after the writer's last look and be lost.
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private volatile boolean failing;
    private volatile long writingSince; // System.nanoTime() when the current write began, 0 between writes
    private final String instance;
    private volatile java.util.function.Consumer<List<AuditRecord>> observer = batch -> { };
    private long shutdownDeadline; // writer thread only

    /** @param instance stamped on every record that has none yet, or {@code null} to leave records as they are */
    QueuedAuditSink(String threadName, int capacity, String instance) {
        this.capacity = capacity;
        this.instance = instance;
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

    /** Records accepted and not yet written: the audit backlog. */
    public int backlog() {
        return Math.max(0, queued.get());
    }

    /** Whether the last write failed or the current one has stalled (the sink retries; readiness reports it). */
    public boolean failing() {
        long since = writingSince;
        return failing || since != 0
                && System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(STALLED_AFTER_MILLIS);
    }

    void failing(boolean now) {
        failing = now;
    }

    /** Sees every batch after it is written, on the writer thread (metrics). */
    public void observe(java.util.function.Consumer<List<AuditRecord>> observer) {
        this.observer = observer;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Milliseconds left of the time shutdown gives a sink that cannot write, counted from the first time a closing
     * sink asks; when none is left, the sink logs what it could not write (the last place a record can go) rather
     * than keep the process from ending.
     */
    final long shutdownWaitLeft() {
        if (shutdownDeadline == 0) {
            shutdownDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_WAIT_MILLIS);
        }
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(shutdownDeadline - System.nanoTime()));
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
            if (queued.incrementAndGet() > capacity) {
                waitForRoom();
            }
            queue.add(record);
        } finally {
            closing.readLock().unlock();
        }
    }

    /** Back-pressure: the sink is behind, so the caller waits rather than a record being dropped. */
    private void waitForRoom() {
        synchronized (roomMade) {
            while (queued.get() > capacity) {
                try {
                    roomMade.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // the record is still queued: late is better than lost
                }
            }
        }
    }

    private void drain() {
        List<AuditRecord> batch = new ArrayList<>(256);
        int idleRounds = 0;
        while (true) {
            boolean end = closed; // read before polling: whatever was accepted before close is in the queue now
            AuditRecord record;
            while (batch.size() < 4096 && (record = queue.poll()) != null) {
                batch.add(record);
            }
            if (!batch.isEmpty()) {
                stamp(batch);
                writingSince = Math.max(1, System.nanoTime());
                try {
                    write(batch);
                } finally {
                    writingSince = 0;
                }
                try {
                    observer.accept(batch);
                } catch (RuntimeException e) {
                    LOG.warn("audit observer failed: {}", e.toString());
                }
                int left = queued.addAndGet(-batch.size());
                batch.clear();
                idleRounds = 0;
                if (left >= capacity - 4096) {
                    synchronized (roomMade) {
                        roomMade.notifyAll();
                    }
                }
                continue;
            }
            if (end) {
                return;
            }
            // 1 ms while traffic flows; when nothing came for a while, look less often
            LockSupport.parkNanos(++idleRounds < 200 ? IDLE_PARK_NANOS : 20 * IDLE_PARK_NANOS);
        }
    }

    private void stamp(List<AuditRecord> batch) {
        if (instance == null) {
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).instance() == null) {
                batch.set(i, batch.get(i).withInstance(instance));
            }
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
        } finally {
            closing.writeLock().unlock();
        }
        LockSupport.unpark(writer);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release();
    }
}
