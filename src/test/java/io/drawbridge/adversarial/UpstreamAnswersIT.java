package io.drawbridge.adversarial;

import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application behind the gateway that answers what no client should get: a status outside 100-599, header
 * values with control characters, {@code Set-Cookie}s for the gateway's own session and login cookies in every
 * spelling. The client gets 502 {@code upstream-invalid} (audited) for the first two, never a 500, and never
 * sees one of the gateway's cookies set by the application.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamAnswersIT {

    private final ScriptedUpstream upstream = new ScriptedUpstream();
    private GatewayFixture gateway;

    @BeforeAll
    void start(@TempDir Path dir) {
        gateway = GatewayFixture.start(dir, """
                policies:
                  open:
                    public: true
                """, Map.of("app.yaml", HeaderSpoofingIT.route("app", "/app", false, "open")),
                Map.of("upstream", upstream.url()));
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
    }

    static Stream<Arguments> invalidHeads() {
        return Stream.of(
                Arguments.of("status 999", "HTTP/1.1 999 Nine\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("status 600", "HTTP/1.1 600 Six\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("status 099", "HTTP/1.1 099 Low\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("status 000", "HTTP/1.1 000 Zero\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("NUL in a header value", "HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("bare CR in a header value", "HTTP/1.1 200 OK\r\nX-A: a\rSet-Cookie: drawbridge_session=x"
                        + "\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("escape in a header value", "HTTP/1.1 200 OK\r\nX-A: a\u001b[31m\r\nContent-Length: 2\r\n"
                        + "\r\nok"),
                Arguments.of("DEL in a header value", "HTTP/1.1 200 OK\r\nX-A: a\u007f\r\nContent-Length: 2\r\n\r\nok"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidHeads")
    void anInvalidResponseHeadIs502UpstreamInvalid(String name, String response) {
        String path = "/case-" + Math.abs(name.hashCode());
        upstream.answer(path, response);

        RawHttp.Response answer = RawHttp.exchange(gateway.port(), "GET /app" + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.headers("Set-Cookie")).isEmpty();
        assertThat(answer.headers("X-A")).isEmpty();
        JsonNode audit = gateway.audit(answer.header("X-Request-Id"));
        assertThat(audit.path("decision").asText()).isEqualTo("error");
        assertThat(audit.path("reason").asText()).isEqualTo("upstream-invalid");
        assertThat(audit.path("status").asInt()).isEqualTo(502);
    }

    static Stream<Arguments> plantedCookies() {
        return Stream.of(
                Arguments.of("the session", "drawbridge_session=forged; Path=/; HttpOnly"),
                Arguments.of("upper case", "DRAWBRIDGE_SESSION=forged"),
                Arguments.of("mixed case", "Drawbridge_Session=forged"),
                Arguments.of("another domain and path", "drawbridge_session=forged; Domain=.127.0.0.1; Path=/app"),
                Arguments.of("a numbered part", "drawbridge_session_0=forged; Path=/"),
                Arguments.of("a later part", "drawbridge_session_7=forged"),
                Arguments.of("the login cookie", "drawbridge_session_login_abcdef=forged; Path=/oauth2/callback"),
                Arguments.of("a __Host- prefix", "__Host-drawbridge_session=forged; Path=/; Secure"),
                Arguments.of("a __Secure- prefix", "__secure-drawbridge_session=forged; Secure"),
                Arguments.of("spaces around the name", "  drawbridge_session =forged"),
                Arguments.of("no value", "drawbridge_session"),
                Arguments.of("deleting the session", "drawbridge_session=; Max-Age=0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plantedCookies")
    void anUpstreamCannotSetTheGatewaysCookies(String name, String setCookie) {
        String path = "/cookie-" + Math.abs(name.hashCode());
        upstream.answer(path, "HTTP/1.1 200 OK\r\nSet-Cookie: app=1; Path=/\r\nSet-Cookie: " + setCookie
                + "\r\nset-cookie: other=2\r\nContent-Length: 2\r\n\r\nok");

        RawHttp.Response answer = RawHttp.exchange(gateway.port(), "GET /app" + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).isEqualTo("ok");
        assertThat(answer.headers("Set-Cookie")).containsExactly("app=1; Path=/", "other=2");
        JsonNode audit = gateway.audit(answer.header("X-Request-Id"));
        assertThat(audit.path("decision").asText()).isEqualTo("allow");
        assertThat(audit.path("detail").asText()).contains("upstream Set-Cookie for the gateway's cookies removed");
    }

    @Test
    void ordinaryAnswersAndLookAlikeCookiesPassUntouched() {
        upstream.answer("/plain", "HTTP/1.1 299 Custom\r\nSet-Cookie: drawbridge_sessions=1\r\n"
                + "Set-Cookie: my_drawbridge_session=2\r\nX-A: a\tb\r\nContent-Length: 2\r\n\r\nok");

        RawHttp.Response answer = RawHttp.exchange(gateway.port(), "GET /app/plain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        assertThat(answer.status()).isEqualTo(299);
        assertThat(answer.headers("Set-Cookie")).containsExactly("drawbridge_sessions=1", "my_drawbridge_session=2");
        assertThat(answer.header("X-A")).isEqualTo("a\tb");
        assertThat(gateway.audit(answer.header("X-Request-Id")).path("detail").asText()).doesNotContain("Set-Cookie");
    }

    /** Answers each request path with the bytes registered for it, then closes the connection. */
    static final class ScriptedUpstream implements AutoCloseable {
        private final Map<String, String> answers = new ConcurrentHashMap<>();
        private final ServerSocket server;

        ScriptedUpstream() {
            try {
                server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Thread acceptor = new Thread(this::accept, "scripted-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        void answer(String path, String response) {
            answers.put(path, response);
        }

        private void accept() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    String head = readHead(socket.getInputStream());
                    String[] requestLine = head.split("\r\n", 2)[0].split(" ");
                    String response = requestLine.length > 1 ? answers.get(requestLine[1]) : null;
                    OutputStream out = socket.getOutputStream();
                    out.write((response == null ? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n" : response)
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    // the next connection
                }
            }
        }

        private static String readHead(InputStream in) throws IOException {
            var head = new ByteArrayOutputStream();
            int state = 0;
            int c;
            while ((c = in.read()) != -1) {
                head.write(c);
                state = (c == '\n') ? (state == 1 ? 2 : 1) : (c == '\r' ? state : 0);
                if (state == 2) {
                    break;
                }
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                // closing a test server
            }
        }
    }
}
