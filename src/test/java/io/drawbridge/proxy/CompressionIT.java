package io.drawbridge.proxy;

import com.sun.net.httpserver.HttpServer;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gzip on routes that ask for it, against a real upstream: large text compressed and whole again after
 * decompression, streamed chunk by chunk, and left alone when small, already encoded, a range, an event stream,
 * not accepted by the client, or on a route that does not ask.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompressionIT {

    private static final String TEXT = "Drawbridge compresses what is worth it. ".repeat(2000); // 80,000 bytes
    private final CountDownLatch secondChunk = new CountDownLatch(1);
    private HttpServer upstream;
    private GatewayFixture gateway;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = TEXT.getBytes(StandardCharsets.UTF_8);
            String type = "text/plain; charset=utf-8";
            int status = 200;
            switch (path) {
                case "/small" -> body = "short".getBytes(StandardCharsets.UTF_8);
                case "/image" -> type = "image/png";
                case "/events" -> type = "text/event-stream";
                case "/encoded" -> {
                    var gz = new ByteArrayOutputStream();
                    try (var out = new GZIPOutputStream(gz)) {
                        out.write(body);
                    }
                    body = gz.toByteArray();
                    exchange.getResponseHeaders().set("Content-Encoding", "gzip");
                }
                case "/range" -> {
                    status = 206;
                    exchange.getResponseHeaders().set("Content-Range", "bytes 0-79999/160000");
                }
                default -> { }
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("ETag", "\"v1\"");
            if (path.equals("/slow")) {
                exchange.sendResponseHeaders(200, 0); // chunked
                exchange.getResponseBody().write("first part, ".repeat(200).getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
                try {
                    secondChunk.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.getResponseBody().write("second part".getBytes(StandardCharsets.UTF_8));
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        upstream.start();
        gateway = GatewayFixture.start(dir, """
                policies:
                  open:
                    public: true
                """, Map.of(
                "z.yaml", route("z", "&compress=true"),
                "plain.yaml", route("plain", "")), Map.of("upstream",
                "http://127.0.0.1:" + upstream.getAddress().getPort()));
    }

    private static String route(String id, String option) {
        return """
                - route:
                    id: %s
                    from:
                      uri: gateway:/%s
                      steps:
                        - to: drawbridge:authorize?policy=open
                        - to: "drawbridge:proxy?upstream={{upstream}}&stripPrefix=true%s"
                """.formatted(id, id, option);
    }

    @AfterAll
    void stop() {
        secondChunk.countDown();
        if (gateway != null) {
            gateway.close();
        }
        upstream.stop(0);
    }

    private RawHttp.Response get(String path, String acceptEncoding) {
        return RawHttp.exchange(gateway.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (acceptEncoding == null ? "" : "Accept-Encoding: " + acceptEncoding + "\r\n") + "\r\n");
    }

    private static String gunzip(byte[] body) throws Exception {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void largeTextIsGzippedForAClientThatAcceptsItAndArrivesWhole() throws Exception {
        RawHttp.Response response = get("/z/text", "gzip");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(response.header("Content-Length")).isNull();
        assertThat(response.headers("Vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("accept-encoding"));
        assertThat(response.header("ETag")).as("another representation: a weak validator").isEqualTo("W/\"v1\"");
        assertThat(response.body().length).isLessThan(TEXT.length() / 10);
        assertThat(gunzip(response.body())).isEqualTo(TEXT);
        assertThat(gateway.audit(response.header("X-Request-Id")).path("bytesOut").asLong())
                .isEqualTo(response.body().length);
    }

    @Test
    void brotliIsPreferredWhenTheClientAcceptsBothAndDecodesWhole() throws Exception {
        RawHttp.Response response = get("/z/text", "gzip, deflate, br");
        assertThat(response.header("Content-Encoding")).isEqualTo("br");
        assertThat(response.headers("Vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("accept-encoding"));
        assertThat(response.header("ETag")).isEqualTo("W/\"v1\"");
        assertThat(response.body().length).isLessThan(TEXT.length() / 10);
        assertThat(unbrotli(response.body())).isEqualTo(TEXT);
        assertThat(get("/z/text", "br;q=0.5, gzip").header("Content-Encoding")).as("gzip wanted more")
                .isEqualTo("gzip");
        assertThat(get("/z/text", "br").header("Content-Encoding")).isEqualTo("br");
    }

    private static String unbrotli(byte[] body) throws Exception {
        com.aayushatharva.brotli4j.Brotli4jLoader.ensureAvailability();
        var decoded = com.aayushatharva.brotli4j.decoder.Decoder.decompress(body);
        assertThat(decoded.getResultStatus()).isEqualTo(com.aayushatharva.brotli4j.decoder.DecoderJNI.Status.DONE);
        return new String(decoded.getDecompressedData(), StandardCharsets.UTF_8);
    }

    @Test
    void whatIsNotWorthItOrNotAllowedIsLeftAlone() throws Exception {
        for (String[] c : new String[][] {{"/z/small", "gzip"}, {"/z/image", "gzip"}, {"/z/events", "gzip"},
                {"/z/range", "gzip"}, {"/z/text", null}, {"/z/text", "gzip;q=0, identity"}, {"/z/text", "br;q=0, gzip;q=0, *"},
                {"/plain/text", "gzip"}}) {
            RawHttp.Response response = get(c[0], c[1]);
            assertThat(response.header("Content-Encoding")).as(c[0] + " " + c[1]).isNull();
            assertThat(response.header("ETag")).as(c[0]).isEqualTo("\"v1\"");
        }
        RawHttp.Response encoded = get("/z/encoded", "gzip");
        assertThat(encoded.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(gunzip(encoded.body())).as("compressed once, not twice").isEqualTo(TEXT);
    }

    @Test
    void aStreamedResponseIsCompressedChunkByChunkNotHeldWhole() throws Exception {
        try (var socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /z/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertThat(head).containsIgnoringCase("content-encoding: gzip").containsIgnoringCase("chunked");
            // The first part decompresses before the upstream has sent the second one.
            // It may come as several chunks (the upstream's part read in pieces); were it held back until the
            // second part, reading would time out here, since the upstream sends that only after this check.
            var inflater = new Inflater(true);
            String firstPart = "first part, ".repeat(200);
            var first = new StringBuilder();
            byte[] text = new byte[8192];
            boolean gzipHeader = true;
            while (first.length() < firstPart.length()) {
                byte[] gzip = readChunk(in);
                assertThat(gzip).as("the response ended before its first part").isNotEmpty();
                int skip = gzipHeader ? 10 : 0; // past the gzip header, in the first chunk
                gzipHeader = false;
                inflater.setInput(gzip, skip, gzip.length - skip);
                int n;
                while ((n = inflater.inflate(text)) > 0) {
                    first.append(new String(text, 0, n, StandardCharsets.UTF_8));
                }
            }
            assertThat(first.toString()).isEqualTo(firstPart);
            secondChunk.countDown();
            var rest = new ByteArrayOutputStream();
            byte[] chunk;
            while ((chunk = readChunk(in)).length > 0) {
                rest.write(chunk);
            }
            byte[] more = rest.toByteArray();
            inflater.setInput(more, 0, more.length);
            int n = inflater.inflate(text);
            assertThat(new String(text, 0, n, StandardCharsets.UTF_8)).isEqualTo("second part");
        }
    }

    private static String readHead(InputStream in) throws Exception {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            head.write(in.read());
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** One chunk of a chunked body; empty for the last. */
    private static byte[] readChunk(InputStream in) throws Exception {
        var line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        int size = Integer.parseInt(line.toString(StandardCharsets.US_ASCII).split(";")[0].trim(), 16);
        byte[] data = in.readNBytes(size);
        in.read();
        in.read(); // CRLF after the data
        if (size == 0) {
            return new byte[0];
        }
        return data.length == 0 ? readChunk(in) : data;
    }
}
