package io.drawbridge.audit;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each record, as a JSON string, to any Camel endpoint ({@code kafka:}, {@code file:}, {@code jms:} ...),
 * from a thread of its own. A failed send is retried with back-off and never skipped; while the endpoint is down
 * the queue fills and then holds back new requests, so no decision goes unrecorded.
 */
public final class EndpointAuditSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointAuditSink.class);
    private static final AuditRecord END = new AuditRecord(null, null, null, null, null, null, null, null,
            List.of(), null, null, null, null, null, 0, null, null, 0, 0, 0, null);

    private final String uri;
    private final java.util.function.Supplier<CamelContext> context;
    private ProducerTemplate template; // created by the sender thread once Camel runs
    private final BlockingQueue<AuditRecord> queue;
    private final Thread sender;
    private volatile boolean closed;

    /** @param context the Camel context, available by the time the first record arrives */
    public EndpointAuditSink(java.util.function.Supplier<CamelContext> context, String uri, int capacity) {
        this.uri = uri;
        this.context = context;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sender = new Thread(this::drain, "drawbridge-audit-endpoint");
        this.sender.start();
    }

    @Override
    public void accept(AuditRecord record) {
        if (closed) {
            LOG.error("audit record after the audit sink was closed: {}", AuditJson.toJson(record));
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
        while (true) {
            AuditRecord record;
            try {
                record = queue.take();
            } catch (InterruptedException e) {
                continue;
            }
            if (record == END) {
                return;
            }
            String json = AuditJson.toJson(record);
            long backoff = 100;
            int attempts = 0;
            while (true) {
                try {
                    if (template == null) {
                        template = context.get().createProducerTemplate();
                    }
                    template.sendBody(uri, json);
                    break;
                } catch (RuntimeException e) {
                    if (closed && ++attempts > 10) {
                        // Shutting down and the endpoint is gone: the log is the last place the record can go.
                        LOG.error("audit endpoint {} unavailable at shutdown; unsent record: {}", uri, json);
                        break;
                    }
                    LOG.error("audit endpoint {} refused a record ({}); retrying in {} ms", uri, e.getMessage(), backoff);
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, 5000);
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            queue.put(END);
            sender.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (template != null) {
                template.close();
            }
        } catch (Exception e) {
            LOG.warn("closing the audit producer: {}", e.getMessage());
        }
    }
}
