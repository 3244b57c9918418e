package io.drawbridge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.drawbridge.dev.EchoUpstream;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trace context through a real gateway: the caller's trace continues (or a new one starts), its id is in the audit
 * record and in the upstream's {@code traceparent} under the gateway's own span, and spans reach an OTLP/HTTP
 * collector when one is configured.
 */
class TracingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    private EchoUpstream echo;
    private HttpServer collector;
    private final List<byte[]> exported = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        echo = EchoUpstream.start();
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            var body = new ByteArrayOutputStream();
            exchange.getRequestBody().transferTo(body);
            exported.add(body.toByteArray());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
    }

    @AfterEach
    void stop() {
        collector.stop(0);
        echo.close();
    }

    private GatewayFixture gateway(Path dir, String tracing) {
        return GatewayFixture.start(dir, """
                policies:
                  open:
                    public: true
                management:
                  port: 0
                %s
                """.formatted(tracing), Map.of("app.yaml", """
                - route:
                    id: app
                    from:
                      uri: gateway:/app
                      steps:
                        - to: drawbridge:authorize?policy=open
                        - to: "drawbridge:proxy?upstream={{upstream.echo}}&stripPrefix=true"
                """), Map.of("upstream.echo", echo.url()));
    }

    private static RawHttp.Response get(GatewayFixture gateway, String... headers) {
        var request = new StringBuilder("GET /app/x HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return RawHttp.exchange(gateway.port(), request.append("\r\n").toString());
    }

    private static String upstreamTraceparent(RawHttp.Response response) throws Exception {
        JsonNode echoed = JSON.readTree(response.text());
        assertThat(echoed.at("/headers/traceparent").size()).as("one traceparent upstream").isEqualTo(1);
        return echoed.at("/headers/traceparent/0").asText();
    }

    @Test
    void theCallersTraceContinuesToTheUpstreamAndTheAuditRecordAndSpansAreExported(@TempDir Path dir)
            throws Exception {
        String id;
        String upstream;
        try (var gateway = gateway(dir, "  tracing:\n    endpoint: http://127.0.0.1:" + collector.getAddress()
                .getPort() + "/v1/traces\n    serviceName: drawbridge-test")) {
            RawHttp.Response response = get(gateway, "traceparent: 00-" + TRACE_ID + "-" + CALLER_SPAN + "-01",
                    "tracestate: vendor=kept");
            assertThat(response.status()).isEqualTo(200);
            id = response.header("X-Request-Id");
            upstream = upstreamTraceparent(response);
            assertThat(upstream).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-01")
                    .doesNotContain(CALLER_SPAN); // the gateway's span is the upstream's parent
            assertThat(JSON.readTree(response.text()).at("/headers/tracestate/0").asText()).isEqualTo("vendor=kept");
            assertThat(gateway.audit(id).path("traceId").asText()).isEqualTo(TRACE_ID);
        } // closing flushes the exporter
        byte[] traceId = HexFormat.of().parseHex(TRACE_ID);
        byte[] gatewaySpan = HexFormat.of().parseHex(upstream.substring(36, 52));
        assertThat(exported).as("OTLP payloads").isNotEmpty();
        byte[] payload = exported.get(exported.size() - 1);
        assertThat(indexOf(payload, traceId)).as("trace id in the exported span").isNotNegative();
        assertThat(indexOf(payload, gatewaySpan)).as("the gateway's span id").isNotNegative();
        assertThat(indexOf(payload, HexFormat.of().parseHex(CALLER_SPAN))).as("parent span id").isNotNegative();
        assertThat(new String(payload, java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("drawbridge-test", "GET app", id);
    }

    @Test
    void withoutACallerTraceOrWithABrokenOneTheGatewayStartsOneAndExportsNothing(@TempDir Path dir)
            throws Exception {
        try (var gateway = gateway(dir, "")) {
            for (String sent : List.of("", "traceparent: 00-00000000000000000000000000000000-" + CALLER_SPAN + "-01",
                    "traceparent: garbage", "traceparent: 00-" + TRACE_ID.toUpperCase() + "-" + CALLER_SPAN + "-01")) {
                RawHttp.Response response = sent.isEmpty() ? get(gateway) : get(gateway, sent);
                assertThat(response.status()).isEqualTo(200);
                String upstream = upstreamTraceparent(response);
                assertThat(upstream).as("for %s", sent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00")
                        .doesNotContain(TRACE_ID).doesNotContain("00000000000000000000000000000000");
                String traceId = upstream.substring(3, 35);
                assertThat(gateway.audit(response.header("X-Request-Id")).path("traceId").asText())
                        .isEqualTo(traceId);
            }
        }
        assertThat(exported).isEmpty();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
