package io.drawbridge.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.drawbridge.audit.AuditFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Camel-endpoint sink against a real Camel route standing in for the endpoint: records arrive as JSON, in
 * order, stamped with the instance; an endpoint that refuses or does not answer makes the sink failing and loses
 * nothing.
 */
class EndpointAuditSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CamelContext camel = new DefaultCamelContext();
    private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());
    private final List<Map<String, Object>> headers = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger refusals = new AtomicInteger();
    private volatile CountDownLatch hold = new CountDownLatch(0);

    @BeforeEach
    void start() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler()); // the refusal goes back to the sink, as a broker's would
                from("direct:audit").process(exchange -> {
                    if (refusals.getAndDecrement() > 0) {
                        throw new IllegalStateException("endpoint down");
                    }
                    hold.await();
                    received.add(JSON.readTree(exchange.getMessage().getBody(String.class)));
                    headers.add(exchange.getMessage().getHeaders());
                });
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void sendsEachRecordAsJsonInOrderStampedWithTheInstance() {
        var sink = new EndpointAuditSink(() -> camel, "direct:audit", 16, "gw-1");
        sink.accept(record("a"));
        sink.accept(record("b"));
        sink.accept(record("c"));
        sink.close();

        assertThat(received).extracting(r -> r.path("requestId").asText()).containsExactly("a", "b", "c");
        assertThat(received).extracting(r -> r.path("instance").asText()).containsOnly("gw-1");
        assertThat(headers).allSatisfy(h -> assertThat(h).doesNotContainKey("kafka.KEY")); // a key only for Kafka
    }

    @Test
    void resendsFromTheFirstRefusedRecordKeepingOrderAndReportsFailingMeanwhile() {
        refusals.set(2); // a resend of the refused records alone would give c, a, b
        var sink = new EndpointAuditSink(() -> camel, "direct:audit", 16, "gw-1");
        sink.accept(record("a"));
        sink.accept(record("b"));
        sink.accept(record("c"));

        await(sink::failing);
        await(() -> received.size() == 3);
        await(() -> !sink.failing());
        sink.close();

        assertThat(received).extracting(r -> r.path("requestId").asText()).containsExactly("a", "b", "c");
    }

    @Test
    void anEndpointThatDoesNotAnswerCountsAsFailingUntilItDoes() {
        hold = new CountDownLatch(1);
        var sink = new EndpointAuditSink(() -> camel, "direct:audit", 16, "gw-1");
        sink.accept(record("a"));

        await(sink::failing); // after QueuedAuditSink.STALLED_AFTER_MILLIS without an answer
        assertThat(sink.backlog()).isEqualTo(1);
        hold.countDown();
        await(() -> !sink.failing());
        sink.close();

        assertThat(received).extracting(r -> r.path("requestId").asText()).containsExactly("a");
    }

    @Test
    void aCallbackRunsOnlyOnceTheEndpointHasTheRecord() throws Exception {
        hold = new CountDownLatch(1);
        var sink = new EndpointAuditSink(() -> camel, "direct:audit", 16, "gw-1");
        var called = new CountDownLatch(1);
        sink.accept(record("a"), called::countDown);

        assertThat(called.await(300, TimeUnit.MILLISECONDS)).as("no callback while the endpoint holds it").isFalse();
        hold.countDown();
        assertThat(called.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(received).extracting(r -> r.path("requestId").asText()).containsExactly("a");
        sink.close();
    }

    @Test
    void pastTwiceItsCapacityTheCallerWaitsForRoomInsteadOfTheQueueGrowing() throws Exception {
        hold = new CountDownLatch(1); // the endpoint takes nothing
        var sink = new EndpointAuditSink(() -> camel, "direct:audit", 2, "gw-1");
        sink.accept(record("a"));
        await(() -> sink.backlog() == 1); // "a" is being written
        for (String id : List.of("b", "c", "d")) {
            sink.accept(record(id));
        }
        assertThat(sink.behind()).isTrue();
        var fifth = new Thread(() -> sink.accept(record("e")));
        fifth.start();
        fifth.join(300);
        assertThat(fifth.isAlive()).as("the fifth record waits: four is twice the capacity").isTrue();

        hold.countDown();
        fifth.join(30_000);
        assertThat(fifth.isAlive()).isFalse();
        sink.close();
        assertThat(received).extracting(r -> r.path("requestId").asText()).containsExactly("a", "b", "c", "d", "e");
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 30 s").isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
