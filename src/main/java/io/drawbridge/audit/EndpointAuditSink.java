package io.drawbridge.audit;

import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each record, as a JSON string, to any Camel endpoint ({@code kafka:}, {@code file:}, {@code jms:} ...),
 * from a thread of its own. A failed send is retried with back-off and never skipped; while the endpoint is down
 * the queue fills and then holds back new requests, so no decision goes unrecorded.
 */
public final class EndpointAuditSink extends QueuedAuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointAuditSink.class);

    private final String uri;
    private final Supplier<CamelContext> context;
    private ProducerTemplate template; // created by the writer thread once Camel runs

    /** @param context the Camel context, available by the time the first record arrives */
    public EndpointAuditSink(Supplier<CamelContext> context, String uri, int capacity) {
        super("drawbridge-audit-endpoint", capacity);
        this.uri = uri;
        this.context = context;
        startWriter();
    }

    @Override
    void write(List<AuditRecord> batch) {
        for (AuditRecord record : batch) {
            send(AuditJson.toJson(record));
        }
    }

    private void send(String json) {
        long backoff = 100;
        int attempts = 0;
        while (true) {
            try {
                if (template == null) {
                    template = context.get().createProducerTemplate();
                }
                template.sendBody(uri, json);
                failing(false);
                return;
            } catch (RuntimeException e) {
                if (isClosed() && ++attempts > 10) {
                    // Shutting down and the endpoint is gone: the log is the last place the record can go.
                    LOG.error("audit endpoint {} unavailable at shutdown; unsent record: {}", uri, json);
                    return;
                }
                failing(true);
                LOG.error("audit endpoint {} refused a record ({}); retrying in {} ms", uri, e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    @Override
    void release() {
        if (template != null) {
            try {
                template.close();
            } catch (Exception e) {
                LOG.warn("closing the audit producer: {}", e.getMessage());
            }
        }
    }
}
