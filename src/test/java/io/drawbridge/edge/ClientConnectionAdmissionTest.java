package io.drawbridge.edge;

import io.drawbridge.config.ServerConfig;
import io.netty.handler.ssl.SniCompletionEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admission checks of a client connection on an {@code EmbeddedChannel}: each refusal answers with its
 * status and reason, only after its audit record was written, in one flush.
 */
class ClientConnectionAdmissionTest {

    private final EdgeChannel edge = new EdgeChannel();

    /** Sends, checks nothing leaves before the record is written, releases it, and returns the response. */
    private String refused(String raw) {
        edge.send(raw);
        assertThat(edge.written()).as("nothing before the audit record").isEmpty();
        assertThat(edge.flushes()).isZero();
        edge.releaseAudit();
        String response = edge.written();
        assertThat(edge.flushes()).as("the whole response in one flush").isEqualTo(1);
        assertThat(edge.audit.records).hasSize(1);
        return response;
    }

    private String reason() {
        return edge.audit.records.get(0).reason();
    }

    @Test
    void traceIsNotServed() {
        assertThat(refused("TRACE /app HTTP/1.1\r\nHost: gw.example\r\n\r\n")).startsWith("HTTP/1.1 405 ");
        assertThat(reason()).isEqualTo("method-rejected");
    }

    @Test
    void anHttp11RequestWithoutHostIsRefused() {
        assertThat(refused("GET /app HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(reason()).isEqualTo("bad-request");
    }

    @Test
    void twoHostHeadersAreRefused() {
        assertThat(refused("GET /app HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ");
    }

    @Test
    void aHostThatIsNotAHostNameIsRefused() {
        assertThat(refused("GET /app HTTP/1.1\r\nHost: a.example/evil\r\n\r\n")).startsWith("HTTP/1.1 400 ");
    }

    @Test
    void transferEncodingBesideContentLengthIsRefused() {
        String response = refused("POST /app HTTP/1.1\r\nHost: gw.example\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Length: 5\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400 ").containsIgnoringCase("connection: close");
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedBeforeItIsRead() {
        assertThat(refused("POST /app HTTP/1.1\r\nHost: gw.example\r\nContent-Length: 1099511627776\r\n\r\n"))
                .startsWith("HTTP/1.1 413 ");
    }

    @Test
    void aPathWithoutRouteIs404WithTheRequestId() {
        String response = refused("GET /nowhere HTTP/1.1\r\nHost: gw.example\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404 ")
                .containsIgnoringCase("x-request-id: " + edge.audit.records.get(0).requestId());
        assertThat(reason()).isEqualTo("no-route");
        assertThat(edge.audit.records.get(0).clientIp()).isEqualTo("192.0.2.10");
    }

    @Test
    void aRequestNamingAnotherHostThanItsTlsServerNameIs421() {
        edge.channel.pipeline().fireUserEventTriggered(new SniCompletionEvent("a.example"));
        assertThat(refused("GET /app HTTP/1.1\r\nHost: b.example\r\n\r\n")).startsWith("HTTP/1.1 421 ");
        assertThat(reason()).isEqualTo("misdirected-request");
    }

    @Test
    void whileTheAuditSinkIsBehindARefusingListenerAnswers503WithoutWaitingForIt() {
        edge.listener.refuseWhenAuditBehind(true);
        edge.audit.behind = true;
        edge.send("GET /app HTTP/1.1\r\nHost: gw.example\r\n\r\n");
        assertThat(edge.written()).startsWith("HTTP/1.1 503 "); // waiting for the sink would defeat the refusal
        assertThat(edge.audit.records.get(0).reason()).isEqualTo("audit-behind");
    }

    @Test
    void aPipelinedRequestWaitsUntilTheFirstIsAnswered() {
        edge.send("GET /one HTTP/1.1\r\nHost: gw.example\r\n\r\nGET /two HTTP/1.1\r\nHost: gw.example\r\n\r\n");
        assertThat(edge.audit.records).hasSize(1);
        edge.releaseAudit();
        String first = edge.written();
        assertThat(first.split("HTTP/1.1 ", -1)).as("one response").hasSize(2);
        assertThat(edge.audit.records).extracting(r -> r.path()).containsExactly("/one", "/two");
        edge.releaseAudit();
        assertThat(edge.written()).startsWith("HTTP/1.1 404 ");
    }

    @Test
    void theTrustedPeersForwardedForIsBelievedAndAnUntrustedOnesIsNot() {
        var trusting = new EdgeChannel(new ServerConfig(null, null, List.of("192.0.2.0/24"), null, null, null));
        trusting.send("GET /x HTTP/1.1\r\nHost: gw.example\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n");
        assertThat(trusting.audit.records.get(0).clientIp()).isEqualTo("198.51.100.7");
        edge.send("GET /x HTTP/1.1\r\nHost: gw.example\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n");
        assertThat(edge.audit.records.get(0).clientIp()).isEqualTo("192.0.2.10");
    }
}
