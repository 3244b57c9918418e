package io.drawbridge.audit;
import java.util.concurrent.Executor;

/**
 * Where audit records go. Implementations must not lose a record they accepted, must not block the caller (it
 * may be an I/O thread), and must flush everything on {@link #close()}.
 */
public interface AuditSink extends AutoCloseable {

    /** Accepts one record for writing. */
    void accept(AuditRecord record);

    /**
     * Accepts one record and runs {@code onWritten} (on the sink's thread: keep it short) once the record is
     * where the sink keeps it, so that a caller can hold back what must not happen before.
     */
    default void accept(AuditRecord record, Runnable onWritten) {
        accept(record);
        onWritten.run();
    }

    /**
     * Accepts one record on an I/O thread ({@code loop} is that thread's executor) and runs {@code then}, when not
     * null, on that thread once the record is where the sink keeps it. The default hands the record to
     * {@link #accept(AuditRecord, Runnable)} and {@code then} back to the loop; the file sink instead writes the
     * records of one event-loop iteration together, from the loop itself, with no thread hop.
     */
    default void accept(AuditRecord record, Executor loop, Runnable then) {
        if (then == null) {
            accept(record);
        } else {
            accept(record, () -> loop.execute(then));
        }
    }

    /** Whether the sink cannot keep up: new requests should wait, or be refused ({@code audit.whenBehind}). */
    default boolean behind() {
        return false;
    }

    /** Writes out everything accepted so far and releases the sink. */
    @Override
    void close();
}
