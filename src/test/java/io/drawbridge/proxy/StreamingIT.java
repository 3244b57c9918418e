package io.drawbridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.dev.EchoUpstream;
import io.drawbridge.testing.GatewayProcess;
import io.drawbridge.testing.TestUpstream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies stream through the gateway instead of being held: a gateway JVM limited to a 256 MiB heap (and set to
 * die on OutOfMemoryError) passes a 1 GiB download and 200 MiB uploads, with the bytes checked end to end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingIT {

    private static final long GIB = 1024L * 1024 * 1024;
    private static final long UPLOAD = 200L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestUpstream upstream;
    private EchoUpstream echo;
    private GatewayProcess gateway;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        upstream = new TestUpstream();
        echo = EchoUpstream.start();
        int port = GatewayProcess.freePort();
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("drawbridge.yaml"), """
                server:
                  host: 127.0.0.1
                  port: %d
                  limits:
                    maxRequestBody: 1g
                management:
                  port: 0
                policies:
                  open:
                    public: true
                properties:
                  upstream.test: %s
                  upstream.echo: %s
                """.formatted(port, upstream.url(), echo.url()));
        Files.writeString(dir.resolve("routes/streams.yaml"), """
                - route:
                    id: files
                    from:
                      uri: gateway:/files
                      steps:
                        - to: drawbridge:authorize?policy=open
                        - to: drawbridge:proxy?upstream={{upstream.test}}&stripPrefix=true
                - route:
                    id: upload
                    from:
                      uri: gateway:/upload
                      steps:
                        - to: drawbridge:authorize?policy=open
                        - to: drawbridge:proxy?upstream={{upstream.echo}}&stripPrefix=true
                """);
        gateway = GatewayProcess.start(dir, port, List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
                List.of("--config", "drawbridge.yaml"), Map.of());
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
        echo.close();
    }

    @Test
    void downloadsOneGibibyteThroughASmallHeap() throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + "/files/big?bytes=" + GIB)).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        long total = 0;
        long mismatches = 0;
        byte[] buffer = new byte[256 * 1024];
        try (InputStream body = response.body()) {
            int n;
            while ((n = body.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    // the upstream sends blocks of 64 KiB whose byte k is (byte) k
                    if (buffer[i] != (byte) ((total + i) % (64 * 1024))) {
                        mismatches++;
                    }
                }
                total += n;
            }
        }
        assertThat(total).isEqualTo(GIB);
        assertThat(mismatches).isZero();
        assertThat(gateway.isAlive()).as("gateway log:\n%s", gateway.log()).isTrue();
        System.out.printf("1 GiB download: gateway peak RSS %d MiB%n", gateway.residentKib() / 1024);
    }

    @Test
    void uploadsTwoHundredMebibytesWithContentLength() throws Exception {
        JsonNode echoed = upload(true);
        assertThat(echoed.path("bodyBytes").asLong()).isEqualTo(UPLOAD);
        assertThat(echoed.path("bodySha256").asText()).isEqualTo(sha256OfPattern(UPLOAD));
        assertThat(gateway.isAlive()).isTrue();
    }

    @Test
    void uploadsTwoHundredMebibytesChunked() throws Exception {
        JsonNode echoed = upload(false);
        assertThat(echoed.path("bodyBytes").asLong()).isEqualTo(UPLOAD);
        assertThat(echoed.path("bodySha256").asText()).isEqualTo(sha256OfPattern(UPLOAD));
        assertThat(echoed.at("/headers/Transfer-Encoding/0").asText()).isEqualTo("chunked");
        assertThat(gateway.isAlive()).isTrue();
        System.out.printf("200 MiB uploads: gateway peak RSS %d MiB%n", gateway.residentKib() / 1024);
    }

    private JsonNode upload(boolean withLength) throws Exception {
        Supplier<InputStream> body = () -> new PatternStream(UPLOAD);
        HttpRequest.BodyPublisher publisher = withLength
                ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body), UPLOAD)
                : HttpRequest.BodyPublishers.ofInputStream(body);
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/upload/"))
                .POST(publisher).build();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String sha256OfPattern(long size) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new PatternStream(size)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A generated body: byte i is (i * 31) & 0xff, so corruption or reordering changes the hash. */
    private static final class PatternStream extends InputStream {
        private final long size;
        private long position;

        PatternStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return position < size ? (int) ((position++ * 31) & 0xff) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) (((position + i) * 31) & 0xff);
            }
            position += n;
            return n;
        }
    }
}
