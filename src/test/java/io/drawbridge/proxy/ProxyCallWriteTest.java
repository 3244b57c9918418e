package io.drawbridge.proxy;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.edge.ClientRequest;
import io.drawbridge.edge.EdgeChannel;
import io.drawbridge.policy.Decision;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a proxied response reaches the client, on an {@code EmbeddedChannel}: a response that arrives whole leaves
 * in one flush once its audit record is written; a streamed one sends its head and parts as they come, and only
 * its end waits for the record.
 */
class ProxyCallWriteTest {

    private final EdgeChannel edge = new EdgeChannel();
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final ClientRequest request = edge.request("/app");
    private final Exchange exchange = new DefaultExchange(camel);
    private final ProxyCall call;

    ProxyCallWriteTest() {
        exchange.setProperty(ExchangeKeys.DECISION, Decision.allow(Reason.RULE_MATCHED, "p", "allow[0]"));
        var options = new ProxyOptions(Duration.ofSeconds(1), Duration.ofSeconds(5), ProxyOptions.DEFAULT_COOKIE,
                null, false);
        call = new ProxyCall(request, exchange, doneSync -> EdgeChannel.complete(request, exchange),
                UpstreamTarget.parse("http://127.0.0.1:9"), options, null,
                new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/app"), null);
    }

    @AfterEach
    void close() throws Exception {
        camel.close();
        edge.channel.finishAndReleaseAll();
    }

    private static DefaultHttpResponse head(String length) {
        var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        if (length != null) {
            head.headers().set("Content-Length", length);
        }
        head.headers().set("Content-Type", "text/plain");
        return head;
    }

    private static DefaultHttpContent part(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    private static DefaultLastHttpContent last(String text) {
        return new DefaultLastHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    @Test
    void aResponseThatArrivesWholeLeavesInOneFlushAfterItsAuditRecord() {
        call.onUpstream(head("5")); // one upstream read: the head and the whole body
        call.onUpstream(last("hello"));
        call.onUpstreamReadComplete();
        edge.channel.runPendingTasks();

        assertThat(edge.flushes()).as("not the head alone before the record").isZero();
        assertThat(edge.written()).isEmpty();
        assertThat(edge.audit.records).hasSize(1);

        edge.releaseAudit();
        String response = edge.written();
        assertThat(response).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("x-request-id: test-1")
                .endsWith("\r\n\r\nhello");
        assertThat(edge.flushes()).isEqualTo(1);
    }

    @Test
    void aStreamedResponseSendsItsHeadAndPartsAsTheyComeAndItsEndAfterTheRecord() {
        call.onUpstream(head(null)); // first read: the head only
        call.onUpstreamReadComplete();
        assertThat(edge.written()).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("transfer-encoding: chunked");

        call.onUpstream(part("first "));
        call.onUpstreamReadComplete();
        assertThat(edge.written()).isEqualTo("6\r\nfirst \r\n");

        call.onUpstream(last("end"));
        call.onUpstreamReadComplete();
        edge.channel.runPendingTasks();
        assertThat(edge.written()).as("the end waits for the audit record").isEmpty();

        int before = edge.flushes();
        edge.releaseAudit();
        assertThat(edge.written()).isEqualTo("3\r\nend\r\n0\r\n\r\n");
        assertThat(edge.flushes()).isEqualTo(before + 1);
    }

    @Test
    void aHeadIsFlushedAtOnceWhenTheRouteResumesAfterTheUpstreamRead() {
        // A route that resumes later (a step after the proxy ran on another thread): the head's read is over, so
        // nothing else would flush the head; streamTo does.
        boolean[] resumed = {false};
        var later = new ProxyCall(request, exchange, doneSync -> resumed[0] = true,
                UpstreamTarget.parse("http://127.0.0.1:9"), new ProxyOptions(Duration.ofSeconds(1),
                Duration.ofSeconds(5), ProxyOptions.DEFAULT_COOKIE, null, false), null,
                new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/app"), null);
        later.onUpstream(head(null));
        later.onUpstreamReadComplete();
        assertThat(resumed[0]).isTrue();
        assertThat(edge.flushes()).isZero();

        EdgeChannel.complete(request, exchange);
        assertThat(edge.flushes()).isEqualTo(1);
        assertThat(edge.written()).startsWith("HTTP/1.1 200 OK");
    }
}
