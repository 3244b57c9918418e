package io.drawbridge.adversarial;

import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * HTTP/1.1 as a smuggler, a slowloris or a confused client writes it: ambiguous framing, oversized parts, slow
 * heads and bodies from many connections at once, protocol upgrades, forbidden methods and versions, pipelines
 * that mix users. Limits are set low here (64 KiB bodies, 1 s to send a head or resume a body, 1 s idle) so the
 * suite is quick; docs/reference/configuration.md lists the defaults.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpFramingIT {

    private static final String POST = "POST /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\n";

    private final TokenMinter minter = new TokenMinter();
    private final TestUpstream upstream = new TestUpstream();
    private GatewayFixture gateway;
    private Probe probe;
    private String alice;
    private String bob;

    @BeforeAll
    void start(@TempDir Path dir) {
        minter.writeJwks(dir.resolve("jwks.json"));
        alice = minter.token("alice", List.of("sre"));
        bob = minter.token("bob", List.of("sales"));
        gateway = GatewayFixture.start(dir, """
                server:
                  limits:
                    maxRequestBody: 64k
                  timeouts:
                    header: 1s
                    bodyIdle: 1s
                    keepAlive: 1s
                @TEST_ISSUER@
                policies:
                  sre:
                    allow:
                      - groups: [sre]
                  open:
                    public: true
                """, Map.of(
                "app.yaml", HeaderSpoofingIT.route("app", "/app", true, "sre"),
                "public.yaml", HeaderSpoofingIT.route("public", "/public", false, "open")),
                Map.of("upstream", upstream.url()));
        probe = new Probe(gateway, upstream);
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
    }

    // ---- smuggling -------------------------------------------------------------------------------------------

    static Stream<Arguments> ambiguousFraming() {
        return Stream.of(
                Arguments.of("CL.TE", "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"),
                Arguments.of("TE.CL", "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n"),
                Arguments.of("TE xchunked", "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE chunked , x", "Transfer-Encoding: chunked , x\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE chunked, identity", "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE identity, chunked", "Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE gzip, chunked", "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE chunked twice in one", "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE duplicated", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE chunked then x", "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE identity", "Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nhello"),
                Arguments.of("TE with a tab and CL", "Transfer-Encoding:\tchunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE space before colon", "Transfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE vertical tab", "Transfer-Encoding:\u000bchunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE quoted", "Transfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE folded onto the next line", "Transfer-Encoding:\r\n chunked\r\nContent-Length: 5\r\n\r\n"
                        + "0\r\n\r\n"),
                Arguments.of("CL twice, same value", "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
                Arguments.of("CL twice, other values", "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                Arguments.of("CL list", "Content-Length: 5, 5\r\n\r\nhello"),
                Arguments.of("CL with a plus sign", "Content-Length: +5\r\n\r\nhello"),
                Arguments.of("CL negative", "Content-Length: -1\r\n\r\n"),
                Arguments.of("CL hexadecimal", "Content-Length: 0x5\r\n\r\nhello"),
                Arguments.of("CL overflowing", "Content-Length: 99999999999999999999999\r\n\r\nhello"),
                Arguments.of("CL with a space inside", "Content-Length: 1 0\r\n\r\nhello"),
                Arguments.of("chunk size overflowing", "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\nx\r\n0\r\n\r\n"),
                Arguments.of("chunk size not hex", "Transfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n0\r\n\r\n"),
                Arguments.of("header name with a space", "Content Length: 5\r\n\r\nhello"),
                Arguments.of("header without a colon", "X-Broken\r\n\r\n"),
                Arguments.of("NUL in a header value", "X-Evil: a\u0000b\r\n\r\n"),
                Arguments.of("CR alone in a header value", "X-Evil: a\rContent-Length: 5\r\n\r\nhello"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ambiguousFraming")
    void ambiguousFramingIsRefusedAndTheConnectionClosed(String name, String rest) {
        try (var http = new RawHttp(gateway.port())) {
            int before = probe.upstreamCount();
            http.send(POST + rest + "GET /public/smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            var outcome = probe.outcome(http.read(), before);
            assertThat(outcome.status()).isEqualTo(400);
            assertThat(outcome.audit().path("decision").asText()).isEqualTo("error");
            assertThat(http.closedByServer()).as("connection closed after the refusal").isTrue();
            assertThat(probe.receivedSince(before, outcome.response().header("X-Request-Id"))).as("upstream").isEmpty();
        }
    }

    static Stream<Arguments> unambiguousFraming() {
        return Stream.of(
                Arguments.of("chunked", "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("CHUNKED in upper case", "Transfer-Encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("chunk extension", "Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("trailer", "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"),
                Arguments.of("Content-Length", "Content-Length: 5\r\n\r\nhello"),
                Arguments.of("Transfer_Encoding is no framing header", "Transfer_Encoding: chunked\r\nContent-Length: 5"
                        + "\r\n\r\nhello"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unambiguousFraming")
    void unambiguousFramingPassesAndTheNextRequestOnTheConnectionIsItsOwn(String name, String rest) {
        try (var http = new RawHttp(gateway.port())) {
            int before = probe.upstreamCount();
            http.send(POST + rest + "GET /public/next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            var first = http.read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(gateway.audit(first.header("X-Request-Id")).path("decision").asText()).isEqualTo("allow");
            assertThat(http.read().status()).isEqualTo(200);
            var seen = probe.receivedSince(before, first.header("X-Request-Id"));
            assertThat(seen).extracting(TestUpstream.Received::uri).containsExactly("/x", "/next");
            assertThat(seen.get(0).names()).map(String::toLowerCase).doesNotContain("transfer_encoding");
        }
    }

    @Test
    void aRequestHiddenInABodyStaysABody() {
        String hidden = "GET /app/admin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        var seen = probe.send("GET /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + hidden.length()
                + "\r\n\r\n" + hidden).forwarded(200);
        assertThat(seen.uri()).isEqualTo("/x");
    }

    // ---- sizes -----------------------------------------------------------------------------------------------

    static Stream<Arguments> oversized() {
        String big = "x".repeat(70 * 1024);
        return Stream.of(
                Arguments.of("request line over 8 KiB", "GET /public/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: 127.0.0.1"
                        + "\r\n\r\n", 414, "uri-too-long"),
                Arguments.of("one header over 16 KiB", "GET /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                        + "b".repeat(17000) + "\r\n\r\n", 431, "headers-too-large"),
                Arguments.of("many headers over 16 KiB", "GET /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "X-Many: 0123456789\r\n".repeat(1000) + "\r\n", 431,
                        "headers-too-large"),
                Arguments.of("Content-Length over the limit", POST + "Content-Length: 70000\r\n\r\n", 413,
                        "body-too-large"),
                Arguments.of("Content-Length far over the limit", POST + "Content-Length: 99999999999\r\n\r\n",
                        413, "body-too-large"),
                Arguments.of("chunked body over the limit", POST + "Transfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(big.length()) + "\r\n" + big + "\r\n0\r\n\r\n", 413, "body-too-large"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oversized")
    void oversizedRequestsGetAClear4xx(String name, String request, int status, String reason) {
        int before = probe.upstreamCount();
        RawHttp.Response response;
        try (var http = new RawHttp(gateway.port())) {
            try {
                http.send(request);
            } catch (UncheckedIOException e) {
                // the gateway may answer and close before the whole body is written
            }
            response = http.read();
        }
        assertThat(response.status()).isEqualTo(status);
        var audit = gateway.audit(response.header("X-Request-Id"));
        assertThat(audit.path("status").asInt()).isEqualTo(status);
        assertThat(audit.path("reason").asText()).isEqualTo(reason);
        assertThat(audit.path("decision").asText()).isEqualTo("error");
        if (status != 413 || !name.startsWith("chunked")) {
            assertThat(probe.receivedSince(before, response.header("X-Request-Id"))).isEmpty();
        }
    }

    // ---- slow clients ----------------------------------------------------------------------------------------

    @Test
    void slowHeadsAndSlowBodiesFromManyConnectionsAreCutWhileOthersAreServed() throws Exception {
        int slow = 150;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<RawHttp> heads = new ArrayList<>();
            List<RawHttp> bodies = new ArrayList<>();
            for (int i = 0; i < slow; i++) {
                heads.add(new RawHttp(gateway.port()).send("GET /public/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
                bodies.add(new RawHttp(gateway.port()).send(POST + "Content-Length: 1000\r\n\r\nfirst bytes"));
            }
            // legitimate traffic flows while every slow connection is open
            List<Future<Integer>> legit = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String token = i % 2 == 0 ? alice : bob;
                legit.add(pool.submit(() -> RawHttp.exchange(gateway.port(), "GET /app/ok HTTP/1.1\r\nHost: 127.0.0.1"
                        + "\r\nAuthorization: Bearer " + token + "\r\n\r\n").status()));
            }
            for (int i = 0; i < legit.size(); i++) {
                assertThat(legit.get(i).get()).isEqualTo(i % 2 == 0 ? 200 : 403);
            }
            // the slow heads keep trickling, a header every 300 ms; the bodies stall
            for (int round = 0; round < 3; round++) {
                Thread.sleep(300);
                for (RawHttp head : heads) {
                    try {
                        head.send("X-Slow-" + round + ": 1\r\n");
                    } catch (UncheckedIOException e) {
                        // already cut off
                    }
                }
            }
            List<Future<RawHttp.Response>> answers = new ArrayList<>();
            for (RawHttp connection : concat(heads, bodies)) {
                answers.add(pool.submit(() -> connection.read()));
            }
            for (Future<RawHttp.Response> answer : answers) {
                RawHttp.Response response = answer.get();
                assertThat(response.status()).isEqualTo(408);
                assertThat(gateway.audit(response.header("X-Request-Id")).path("reason").asText())
                        .isEqualTo("client-timeout");
            }
            for (RawHttp connection : concat(heads, bodies)) {
                assertThat(connection.closedByServer()).isTrue();
                connection.close();
            }
            assertThat(upstream.received()).noneMatch(r -> r.uri().equals("/slow"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosed() throws Exception {
        try (var http = new RawHttp(gateway.port())) {
            http.send("GET /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(http.read().status()).isEqualTo(200);
            Thread.sleep(1200); // keepAlive: 1s
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void aBodyThatKeepsComingIsNotCut() throws Exception {
        try (var http = new RawHttp(gateway.port())) {
            http.send(POST + "Content-Length: 8\r\n\r\n");
            for (int i = 0; i < 8; i++) {
                Thread.sleep(150); // 1.2 s in all, longer than bodyIdle but never a 1 s pause
                http.send("b");
            }
            assertThat(http.read().status()).isEqualTo(200);
        }
    }

    // ---- one reading of each request --------------------------------------------------------------------------

    static Stream<Arguments> headsServersReadDifferently() {
        return Stream.of(
                Arguments.of("identity header folded", "GET /app/x HTTP/1.1\r\nHost: 127.0.0.1\r\n@TOKEN@\r\n"
                        + "X-Forwarded-User: alice\r\n admin-bob\r\n\r\n"),
                Arguments.of("Authorization folded", "GET /app/x HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer\r\n"
                        + " @JWT@\r\n\r\n"),
                Arguments.of("folded with a tab", "GET /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: 1\r\n\t2\r\n\r\n"),
                Arguments.of("Host folded", "GET /public/x HTTP/1.1\r\nHost:\r\n 127.0.0.1\r\n\r\n"),
                Arguments.of("first header line folded", "GET /public/x HTTP/1.1\r\n X-A: 1\r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of("method in lower case", "get /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of("method in mixed case", "Get /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of("delete in lower case", "delete /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of("two spaces after the method", "GET  /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of("two spaces before the version", "GET /public/x  HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of("a tab after the method", "GET\t/public/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of("a tab before the version", "GET /public/x\tHTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of("a space before the method", " GET /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of("a space after the version", "GET /public/x HTTP/1.1 \r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of("version in lower case", "GET /public/x http/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of("version in mixed case", "GET /public/x Http/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                Arguments.of("Host port 0", "GET /public/x HTTP/1.1\r\nHost: 127.0.0.1:0\r\n\r\n"),
                Arguments.of("absolute-form port 0", "GET http://127.0.0.1:0/public/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headsServersReadDifferently")
    void aHeadServersReadDifferentlyIsRefusedNotRepaired(String name, String head) {
        try (var http = new RawHttp(gateway.port())) {
            int before = probe.upstreamCount();
            http.send(head.replace("@TOKEN@", "Authorization: Bearer " + alice).replace("@JWT@", alice)
                    + "GET /public/smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            var outcome = probe.outcome(http.read(), before);
            assertThat(outcome.status()).isEqualTo(400);
            assertThat(outcome.audit().path("decision").asText()).isEqualTo("error");
            assertThat(outcome.audit().path("status").asInt()).isEqualTo(400);
            assertThat(http.closedByServer()).as("connection closed after the refusal").isTrue();
            assertThat(upstream.received().subList(before, upstream.received().size())).as("upstream").isEmpty();
        }
    }

    @Test
    void theStrictReadingStillServesOrdinaryRequestsAndPipelines() {
        try (var http = new RawHttp(gateway.port())) {
            int before = probe.upstreamCount();
            http.send("\r\nGET /public/a HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-A: a b\r\n\r\n"
                    + "POST /public/b HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\n x\n"
                    + "GET /public/c HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(http.read().status()).isEqualTo(200);
            assertThat(http.read().status()).isEqualTo(200);
            assertThat(http.read().status()).isEqualTo(200);
            assertThat(upstream.received().subList(before, upstream.received().size()))
                    .extracting(TestUpstream.Received::method, TestUpstream.Received::uri)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("GET", "/a"),
                            org.assertj.core.groups.Tuple.tuple("POST", "/b"),
                            org.assertj.core.groups.Tuple.tuple("GET", "/c"));
        }
    }

    // ---- upgrades, methods, versions -------------------------------------------------------------------------

    static Stream<Arguments> upgrades() {
        return Stream.of(
                Arguments.of("h2c", "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__"),
                Arguments.of("websocket", "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="),
                Arguments.of("websocket in other case", "connection: upgrade\r\nupgrade: WebSocket\r\n"
                        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="),
                Arguments.of("upgrade without Connection", "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upgrades")
    void noUpgradeOnRoutesThatDoNotAllowIt(String name, String headers) {
        var outcome = probe.send("GET /public/plain HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n\r\n");
        var seen = outcome.forwarded(200);
        assertThat(outcome.response().header("Upgrade")).isNull();
        assertThat(seen.names()).map(String::toLowerCase).doesNotContain("upgrade", "http2-settings", "connection");
    }

    static Stream<Arguments> refusedRequestLines() {
        return Stream.of(
                Arguments.of("TRACE", "TRACE /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 405, "method-rejected"),
                Arguments.of("TRACE with a token", "TRACE /app/x HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer x\r\n\r\n", 405, "method-rejected"),
                Arguments.of("CONNECT", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n", 405, "method-rejected"),
                Arguments.of("HTTP/1.1 without Host", "GET /public/x HTTP/1.1\r\n\r\n", 400, "bad-request"),
                Arguments.of("HTTP/2 prior knowledge", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "http-version-not-supported"),
                Arguments.of("HTTP/2.0 on an HTTP/1 connection", "GET /public/x HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 505, "http-version-not-supported"),
                Arguments.of("HTTP/3.0", "GET /public/x HTTP/3.0\r\nHost: 127.0.0.1\r\n\r\n", 505, "http-version-not-supported"),
                Arguments.of("HTTP/0.9", "GET /public/x\r\n\r\n", 400, "bad-request"),
                Arguments.of("a version that is no version", "GET /public/x HTTP/1.1x\r\nHost: 127.0.0.1\r\n\r\n", 400, "bad-request"),
                Arguments.of("method with a space", "G ET /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "bad-request"),
                Arguments.of("asterisk target", "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "path-rejected"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedRequestLines")
    void forbiddenMethodsAndBrokenVersionsAreRefused(String name, String request, int status, String reason) {
        var outcome = probe.send(request);
        assertThat(outcome.status()).isEqualTo(status);
        assertThat(outcome.upstreamSaw()).isEmpty();
        assertThat(outcome.audit().path("status").asInt()).isEqualTo(status);
        assertThat(outcome.audit().path("reason").asText()).isEqualTo(reason);
    }

    @Test
    void http10WithoutHostIsServedOnlyByRoutesForAnyHost() {
        var seen = probe.send("GET /public/x HTTP/1.0\r\n\r\n").forwarded(200);
        assertThat(seen.all("X-Forwarded-Host")).isEmpty();
    }

    // ---- pipelining ------------------------------------------------------------------------------------------

    @Test
    void pipelinedRequestsNeverCarryOneCallersIdentityIntoAnother() {
        String[] tokens = {alice, bob, null, alice, "garbage", alice, null, bob};
        var pipeline = new StringBuilder();
        for (int i = 0; i < tokens.length; i++) {
            pipeline.append("GET /app/").append(i).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            if (tokens[i] != null) {
                pipeline.append("Authorization: Bearer ").append(tokens[i]).append("\r\n");
            }
            pipeline.append("X-Forwarded-User: mallory\r\n\r\n");
        }
        int before = probe.upstreamCount();
        String firstId = null;
        try (var http = new RawHttp(gateway.port())) {
            http.send(pipeline.toString());
            for (int i = 0; i < tokens.length; i++) {
                var outcome = probe.outcome(http.read(), probe.upstreamCount());
                firstId = firstId != null ? firstId : outcome.response().header("X-Request-Id");
                int expected = tokens[i] == alice ? 200 : tokens[i] == bob ? 403 : 401;
                assertThat(outcome.status()).as("response " + i).isEqualTo(expected);
                assertThat(outcome.audit().path("path").asText()).isEqualTo("/app/" + i);
                assertThat(outcome.audit().path("subject").asText(null))
                        .isEqualTo(tokens[i] == alice ? "alice" : tokens[i] == bob ? "bob" : null);
            }
        }
        // This case's own recording: under load a request of an earlier case once landed in it ("/x" first).
        var seen = probe.receivedSince(before, firstId);
        assertThat(seen).extracting(TestUpstream.Received::uri).containsExactly("/0", "/3", "/5");
        assertThat(seen).allSatisfy(r -> assertThat(r.all("X-Forwarded-User")).containsExactly("alice"));
    }

    @Test
    void aRequestOfAnEarlierCaseLandingLateIsNotTakenForThisCasesOwn() {
        int before = probe.upstreamCount();
        var outcome = probe.get("/public/mine");
        String id = outcome.response().header("X-Request-Id");
        String prefix = id.substring(0, id.lastIndexOf('-') + 1);
        String earlier = prefix + Long.toString(Long.parseLong(id.substring(prefix.length()), 36) - 1, 36);
        // as the gateway would forward a request it numbered, and answered, before this case began
        RawHttp.exchange(upstream.port(), "GET /late HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: " + earlier
                + "\r\nConnection: close\r\n\r\n");

        assertThat(upstream.received().subList(before, upstream.received().size()))
                .extracting(TestUpstream.Received::uri).containsExactly("/mine", "/late");
        assertThat(probe.receivedSince(before, id)).extracting(TestUpstream.Received::uri).containsExactly("/mine");
    }

    private static List<RawHttp> concat(List<RawHttp> a, List<RawHttp> b) {
        List<RawHttp> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
