package io.drawbridge.audit;

/**
 * Where audit records go. Implementations must not lose a record they accepted, must not block the caller for
 * long (the caller may be an I/O thread), and must flush everything on {@link #close()}.
 */
public interface AuditSink extends AutoCloseable {

    /** Accepts one record for writing. */
    void accept(AuditRecord record);

    /** Writes out everything accepted so far and releases the sink. */
    @Override
    void close();
}
