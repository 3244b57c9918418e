package io.drawbridge.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every sink shares: a queue that the request path only adds to, one thread of the sink's own that writes
 * batches, and a close that writes out everything accepted before it returns.
 * <p>
 * Durability: a record may come with a callback that runs once the record is where the sink keeps it (handed to
 * the operating system for a file, acknowledged by the endpoint), and never if the sink gives the record up to the
 * log at shutdown. The edge holds a response's last bytes until
 * then, so no client ever has a response that a {@code kill -9} could leave unaudited; the batch a response waits
 * for is the group commit of every record that arrived meanwhile.
 * <p>
 * Back-pressure: the queue never blocks the caller (often an I/O thread). Instead the sink reports itself
 * {@link #behind()} when the backlog reaches its capacity or it is failing, and the edge holds new requests back
 * or refuses them with 503 ({@code audit.whenBehind}). A sink whose write has not returned for
 * {@link #STALLED_AFTER_MILLIS} counts as failing, like one whose write failed.
 * <p>
 * The hand-off is lock-free: while traffic flows the writer looks for records every {@link #ACTIVE_PARK_NANOS}
 * and writes what has gathered as one batch (a blocking queue's signal on every record cost two futex system
 * calls per request in the profile); after a quiet spell it sleeps until the next record wakes it.
 */
public abstract class QueuedAuditSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(QueuedAuditSink.class);
    /** How often a busy writer looks for records: the most a response waits for its batch to start. */
    static final long ACTIVE_PARK_NANOS = 100_000;
    /** Empty looks before the writer sleeps until woken (about 20 ms without a record). */
    private static final int ACTIVE_ROUNDS = 200;
    /** How long one write may take before the sink reports itself failing. */
    public static final long STALLED_AFTER_MILLIS = 3_000;
    /** At shutdown, how long in all a sink that cannot write is retried before what is left goes to the log. */
    static final long SHUTDOWN_WAIT_MILLIS = 10_000;

    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private final Thread writer;
    private volatile boolean asleep; // the writer sleeps until a record wakes it
    private final Object roomMade = new Object();
    // accept() holds the read side while it queues, close() the write side while it marks the end:
    // no record can slip in after the writer's last look and be lost.
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private volatile boolean failing;
    private volatile long writingSince; // System.nanoTime() when the current write began, 0 between writes
    private final String instance;
    private volatile Consumer<List<AuditRecord>> observer = batch -> { };
    private volatile long shutdownDeadline; // System.nanoTime() when shutdown stops waiting for a failing sink

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

    /**
     * Writes a batch, in order; must not return before it is written, or given up at shutdown with every record
     * logged. Returns whether it was written: the callbacks of a batch given up never run, so what waited for
     * those records (a response) never happens.
     */
    abstract boolean write(List<AuditRecord> batch);

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
    public void observe(Consumer<List<AuditRecord>> observer) {
        this.observer = observer;
    }

    /**
     * Whether the gateway is stopping: the sink is closed, or {@link #shutdownStarting()} was called. A failing sink
     * gives up at the shutdown deadline even before it is closed, because the requests held for their records are
     * what the rest of the shutdown waits for.
     */
    boolean stopping() {
        return closed || shutdownDeadline != 0;
    }

    /**
     * Milliseconds left of the time shutdown gives a sink that cannot write, counted from the first time a closing
     * sink asks; when none is left, the sink logs what it could not write (the last place a record can go) rather
     * than keep the process from ending.
     */
    final long shutdownWaitLeft() {
        shutdownStarting();
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(shutdownDeadline - System.nanoTime()));
    }

    /**
     * Starts the shutdown clock early (the gateway calls it as it begins to stop, before draining connections),
     * so that the wait for a failing sink is counted once, not after the drain's own wait.
     */
    public final synchronized void shutdownStarting() {
        if (shutdownDeadline == 0) {
            shutdownDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_WAIT_MILLIS);
        }
    }

    @Override
    public final void accept(AuditRecord record) {
        accept(record, null);
    }

    @Override
    public final void accept(AuditRecord record, Runnable onWritten) {
        closing.readLock().lock();
        try {
            if (closed) {
                // Shutdown closes the listener before the sink, so this is a bug; still, say it rather than lose it.
                LOG.error("audit record after the audit sink was closed: {}", AuditJson.toJson(record));
                return; // given up to the log: what waits for it (a response) never happens
            }
            queue.add(new Entry(record, onWritten));
            if (queued.incrementAndGet() > hardLimit()) {
                wakeWriter();
                waitForRoom();
            }
        } finally {
            closing.readLock().unlock();
        }
        wakeWriter();
    }

    /**
     * Past {@link #behind()} no new request reaches a route, but requests already taken still end in records
     * (a client that gives up while it waits, a refusal). Past twice the capacity the caller waits for room, even
     * an I/O thread: memory stays bounded and no record is dropped, at the price of the gateway pausing.
     */
    private long hardLimit() {
        return 2L * capacity;
    }

    private void waitForRoom() {
        synchronized (roomMade) {
            while (queued.get() > hardLimit()) {
                try {
                    roomMade.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // the record is queued already: late is better than lost
                }
            }
        }
    }

    private void wakeWriter() {
        if (asleep) {
            asleep = false;
            LockSupport.unpark(writer);
        }
    }

    /** Whether new requests should wait or be refused: the backlog is at capacity, or the sink cannot write. */
    @Override
    public boolean behind() {
        return queued.get() >= capacity || failing();
    }

    private void drain() {
        List<AuditRecord> batch = new ArrayList<>(256);
        List<Runnable> callbacks = new ArrayList<>(256);
        int idleRounds = 0;
        while (true) {
            boolean end = closed; // read before polling: whatever was accepted before close is in the queue now
            Entry entry;
            while (batch.size() < 4096 && (entry = queue.poll()) != null) {
                batch.add(entry.record());
                if (entry.onWritten() != null) {
                    callbacks.add(entry.onWritten());
                }
            }
            if (!batch.isEmpty()) {
                stamp(batch);
                writingSince = Math.max(1, System.nanoTime());
                boolean written;
                try {
                    written = write(batch);
                } finally {
                    writingSince = 0;
                }
                if (written) {
                    for (Runnable callback : callbacks) {
                        written(callback);
                    }
                }
                try {
                    observer.accept(batch);
                } catch (RuntimeException e) {
                    LOG.warn("audit observer failed: {}", e.toString());
                }
                if (queued.addAndGet(-batch.size()) >= hardLimit() - 4096) {
                    synchronized (roomMade) {
                        roomMade.notifyAll();
                    }
                }
                batch.clear();
                callbacks.clear();
                idleRounds = 0;
                continue;
            }
            if (end) {
                return;
            }
            if (++idleRounds < ACTIVE_ROUNDS) {
                LockSupport.parkNanos(ACTIVE_PARK_NANOS);
            } else {
                // Quiet: sleep until accept() wakes us. Announce the sleep, then look once more, so that a record
                // added in between is either seen here or wakes us.
                asleep = true;
                if (queue.isEmpty() && !closed) {
                    LockSupport.parkNanos(this, 1_000_000_000L);
                }
                asleep = false;
                idleRounds = queue.isEmpty() ? ACTIVE_ROUNDS : 0;
            }
        }
    }

    private static void written(Runnable callback) {
        if (callback == null) {
            return;
        }
        try {
            callback.run();
        } catch (RuntimeException e) { // an event loop already shut down: its connection is gone anyway
            LOG.debug("audit write callback failed: {}", e.toString());
        }
    }

    private record Entry(AuditRecord record, Runnable onWritten) {
    }

    /** Hands a batch written outside the writer thread to the observer (metrics), as the writer does. */
    final void observed(List<AuditRecord> batch) {
        try {
            observer.accept(batch);
        } catch (RuntimeException e) {
            LOG.warn("audit observer failed: {}", e.toString());
        }
    }

    /** Whether nothing waits for the writer: a record written now by another thread overtakes none. */
    final boolean idle() {
        return queued.get() == 0 && !failing() && !closed;
    }

    final void stamp(List<AuditRecord> batch) {
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
