package io.drawbridge.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each record, as a JSON string, to any Camel endpoint ({@code kafka:}, {@code file:}, {@code jms:} ...),
 * from a thread of its own. A batch is handed to the endpoint's producer in order without waiting record by
 * record (Kafka batches them itself), then awaited as a whole. From the first record the endpoint refused, the
 * batch is sent again, in order, with back-off, and never skipped; while the endpoint is down or does not answer the sink reports itself
 * failing, records wait in the queue (and in the Kafka client's buffer), and a full queue holds back requests.
 * <p>
 * On Kafka each record is keyed by the instance name, so one instance's records stay in one partition, in the order
 * the instance wrote them. Delivery is at least once: when Kafka reports a record failed after all (its delivery
 * timeout), that record and those after it are sent again, and some may then appear twice; readers deduplicate on
 * {@code requestId}.
 */
public final class EndpointAuditSink extends QueuedAuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointAuditSink.class);
    /** Camel-kafka's header for the record key (KafkaConstants.KEY). */
    private static final String KAFKA_KEY = "kafka.KEY";

    private final String uri;
    private final Supplier<CamelContext> context;
    private final String key;
    private AsyncProducer producer; // created by the writer thread once Camel runs

    /** @param context the Camel context, available by the time the first record arrives */
    public EndpointAuditSink(Supplier<CamelContext> context, String uri, int capacity) {
        this(context, uri, capacity, null);
    }

    /** @param instance written into every record and, on Kafka, its key (see {@code audit.instance}) */
    public EndpointAuditSink(Supplier<CamelContext> context, String uri, int capacity, String instance) {
        super("drawbridge-audit-endpoint", capacity, instance);
        this.uri = uri;
        this.context = context;
        this.key = uri.startsWith("kafka:") ? instance : null;
        startWriter();
    }

    @Override
    boolean write(List<AuditRecord> batch) {
        List<AuditRecord> pending = batch;
        long backoff = 100;
        while (true) {
            pending = sendAll(pending);
            if (pending.isEmpty()) {
                failing(false);
                return true;
            }
            failing(true);
            if (stopping() && shutdownWaitLeft() == 0) {
                // Shutting down and the endpoint is gone: the log is the last place the records can go.
                for (AuditRecord record : pending) {
                    LOG.error("audit endpoint {} unavailable at shutdown; unsent record: {}", scheme(),
                            AuditJson.toJson(record));
                }
                return false;
            }
            LOG.error("audit endpoint {} refused {} record(s); retrying in {} ms", scheme(), pending.size(), backoff);
            sleep(backoff);
            backoff = Math.min(backoff * 2, 5000);
        }
    }

    /**
     * Sends the records in order and waits for every answer; returns the records from the first one not accepted
     * on, so that a resend keeps the order. A synchronous endpoint that refuses a record gets none of the later
     * ones; an asynchronous one (Kafka) may have taken some of them, which then appear twice.
     */
    private List<AuditRecord> sendAll(List<AuditRecord> records) {
        AsyncProducer target;
        try {
            target = producer();
        } catch (RuntimeException e) {
            LOG.error("audit endpoint {} cannot be created: {}", scheme(), e.getMessage());
            return records;
        }
        var answers = new Semaphore(0);
        var answered = new AtomicIntegerArray(records.size());
        List<Exchange> exchanges = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            Exchange exchange = target.getEndpoint().createExchange();
            exchange.getMessage().setBody(AuditJson.toJson(records.get(i)));
            if (key != null) {
                exchange.getMessage().setHeader(KAFKA_KEY, key);
            }
            exchanges.add(exchange);
            int index = i;
            try {
                target.process(exchange, doneSync -> {
                    answered.set(index, 1);
                    answers.release();
                });
            } catch (RuntimeException e) {
                exchange.setException(e);
                answered.set(index, 1);
                answers.release();
            }
            if (answered.get(i) == 1 && exchange.getException() != null) {
                break; // refused at once: the later records wait for the resend, in order
            }
        }
        await(answers, exchanges.size());
        for (int i = 0; i < exchanges.size(); i++) {
            Exception e = exchanges.get(i).getException();
            if (answered.get(i) == 0 || e != null) { // unanswered only when shutdown stopped waiting
                LOG.error("audit endpoint {} failed: {}", scheme(), e == null ? "no answer" : e.getMessage());
                return new ArrayList<>(records.subList(i, records.size()));
            }
        }
        return List.of(); // every record was sent: a refusal ends the loop above and is found here
    }

    /** Waits for every answer; only at shutdown is the wait bounded. */
    private void await(Semaphore answers, int expected) {
        try {
            while (!answers.tryAcquire(expected, 100, TimeUnit.MILLISECONDS)) {
                if (stopping()) {
                    answers.tryAcquire(expected, shutdownWaitLeft(), TimeUnit.MILLISECONDS);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private AsyncProducer producer() {
        if (producer == null) {
            Endpoint endpoint = context.get().getEndpoint(uri);
            try {
                AsyncProducer created = endpoint.createAsyncProducer();
                ServiceHelper.startService(created);
                producer = created;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return producer;
    }

    /** Only the scheme in messages: the rest of a Camel URI often carries credentials. */
    private String scheme() {
        return uri.substring(0, uri.indexOf(':') + 1);
    }

    /**
     * Stops the producer, waiting at most what is left of the shutdown wait (at least a second). Kafka's producer
     * closes without a bound: with the broker gone it would wait forever for records it can never deliver, and
     * keep the process from ending. Those records' responses never left, and they are in the log already.
     */
    @Override
    void release() {
        if (producer == null) {
            return;
        }
        AsyncProducer closing = producer;
        Thread stopper = new Thread(() -> {
            try {
                ServiceHelper.stopAndShutdownService(closing);
            } catch (RuntimeException e) {
                LOG.warn("closing the audit producer: {}", e.getMessage());
            }
        }, "drawbridge-audit-close");
        stopper.setDaemon(true);
        stopper.start();
        long wait = Math.max(1000, shutdownWaitLeft());
        try {
            stopper.join(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            LOG.warn("audit endpoint {} did not close within {} ms; left behind (what it never acknowledged is logged"
                    + " above as unsent records)", scheme(), wait);
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
