package io.drawbridge.proxy;

import com.sun.net.httpserver.HttpServer;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TokenMinter;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A route's asset cache against a real upstream that counts the requests it receives: public assets served
 * again without reaching it, for any authorized user, with {@code Age} and {@code 304}s; private pages, cookies and
 * no-store never kept, so one user's page never reaches another; a refused caller never served from it; expiry;
 * large bodies streamed through; compression applied on the way out; hit and miss in the audit and the metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AssetCacheIT {

    private static final String SCRIPT = "function drawbridge() { return 'cached'; }\n".repeat(2000); // 88,000 B
    private static final String BIG = "0123456789abcdef".repeat(128 * 1024); // 2 MiB, over the 1 MiB entry bound

    private final TokenMinter minter = new TokenMinter();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private HttpServer upstream;
    private GatewayFixture gateway;
    private String alice;
    private String bob;
    private String mallory;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            int n = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            String user = exchange.getRequestHeaders().getFirst("X-Forwarded-User");
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", "text/plain; charset=utf-8");
            String body = "response " + n + " of " + path;
            switch (path.startsWith("/static/") ? "/static/" : path) {
                case "/static/" -> {
                    headers.set("Content-Type", "application/javascript");
                    headers.set("Cache-Control", "public, max-age=300");
                    headers.set("ETag", "\"js1\"");
                    headers.set("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT");
                    body = SCRIPT;
                }
                case "/page" -> {
                    headers.set("Cache-Control", "private, max-age=300");
                    body = "the page of " + user;
                }
                case "/cookie" -> {
                    headers.set("Cache-Control", "public, max-age=300");
                    headers.set("Set-Cookie", "prefs=" + user);
                }
                case "/nostore" -> headers.set("Cache-Control", "no-store");
                case "/short" -> headers.set("Cache-Control", "max-age=1");
                case "/listed/logo.txt" -> { } // no Cache-Control: cacheable because the route lists the path
                case "/unlisted.txt" -> { }
                case "/negotiated", "/unsaid" -> {
                    headers.set("Cache-Control", "public, max-age=300");
                    if (path.equals("/negotiated")) {
                        headers.set("Vary", "Accept-Encoding");
                    }
                    String accepted = exchange.getRequestHeaders().getFirst("Accept-Encoding");
                    if (accepted != null && accepted.contains("gzip")) {
                        headers.set("Content-Encoding", "gzip");
                        byte[] gzipped = gzip(SCRIPT);
                        exchange.sendResponseHeaders(200, gzipped.length);
                        exchange.getResponseBody().write(gzipped);
                        exchange.close();
                        return;
                    }
                    body = SCRIPT;
                }
                case "/big" -> {
                    headers.set("Cache-Control", "public, max-age=300");
                    body = BIG;
                }
                default -> { }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : bytes.length);
            if (!head) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        upstream.setExecutor(Executors.newFixedThreadPool(4));
        upstream.start();
        minter.writeJwks(dir.resolve("jwks.json"));
        gateway = GatewayFixture.start(dir, """
                issuers:
                  - name: test
                    issuer: https://issuer.test
                    jwksFile: @DIR@/jwks.json
                    audiences: [drawbridge]
                policies:
                  readers:
                    allow:
                      - groups: [readers]
                """, Map.of("app.yaml", """
                - route:
                    id: app
                    from:
                      uri: gateway:/app
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=readers
                        - to: "drawbridge:proxy?upstream={{upstream}}&stripPrefix=true&compress=true&cache=true&cachePaths=/app/listed/**"
                """), Map.of("upstream", "http://127.0.0.1:" + upstream.getAddress().getPort()));
        alice = minter.token("alice", List.of("readers"));
        bob = minter.token("bob", List.of("readers"));
        mallory = minter.token("mallory", List.of("visitors"));
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.stop(0);
    }

    private RawHttp.Response get(String path, String token, String... headers) {
        return send("GET", path, token, headers);
    }

    private RawHttp.Response send(String method, String path, String token, String... headers) {
        var request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (token != null) {
            request.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        try (var http = new RawHttp(gateway.port())) {
            return http.send(request.append("\r\n").toString()).read(method.equals("HEAD"));
        }
    }

    private int upstreamSaw(String path) {
        return hits.getOrDefault(path, new AtomicInteger()).get();
    }

    private String cacheOf(RawHttp.Response response) {
        return gateway.audit(response.header("X-Request-Id")).path("cache").asText(null);
    }

    @Test
    void aPublicAssetIsServedAgainWithoutReachingTheUpstreamToAnyAuthorizedUser() {
        RawHttp.Response first = get("/app/static/shared.js", alice);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.text()).isEqualTo(SCRIPT);
        assertThat(cacheOf(first)).isEqualTo("miss");

        RawHttp.Response second = get("/app/static/shared.js", bob);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.text()).isEqualTo(SCRIPT);
        assertThat(second.header("ETag")).isEqualTo("\"js1\"");
        assertThat(second.header("Cache-Control")).isEqualTo("public, max-age=300");
        assertThat(Long.parseLong(second.header("Age"))).isBetween(0L, 300L);
        assertThat(cacheOf(second)).isEqualTo("hit");
        assertThat(gateway.audit(second.header("X-Request-Id")).path("upstream").isNull())
                .as("a hit names no upstream").isTrue();
        assertThat(gateway.audit(second.header("X-Request-Id")).path("subject").asText()).isEqualTo("bob");
        assertThat(upstreamSaw("/static/shared.js")).isEqualTo(1);

        RawHttp.Response head = send("HEAD", "/app/static/shared.js", alice);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(SCRIPT.length()));
        assertThat(head.body()).isEmpty();
        assertThat(cacheOf(head)).isEqualTo("hit");
        assertThat(upstreamSaw("/static/shared.js")).isEqualTo(1);
    }

    @Test
    void conditionalRequestsAreAnswered304FromTheCache() {
        get("/app/static/conditional.js", alice);
        int before = upstreamSaw("/static/conditional.js");
        RawHttp.Response etag = get("/app/static/conditional.js", bob, "If-None-Match: \"other\", \"js1\"");
        assertThat(etag.status()).isEqualTo(304);
        assertThat(etag.body()).isEmpty();
        assertThat(etag.header("ETag")).isEqualTo("\"js1\"");
        assertThat(etag.header("Age")).isNotNull();
        assertThat(cacheOf(etag)).isEqualTo("hit");

        RawHttp.Response since = get("/app/static/conditional.js", bob,
                "If-Modified-Since: Wed, 02 Dec 2026 10:00:00 GMT");
        assertThat(since.status()).isEqualTo(304);
        RawHttp.Response changed = get("/app/static/conditional.js", bob, "If-None-Match: \"js0\"");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.text()).isEqualTo(SCRIPT);
        assertThat(upstreamSaw("/static/conditional.js")).isEqualTo(before);
    }

    @Test
    void aPrivatePageOfOneUserNeverReachesAnother() {
        RawHttp.Response forAlice = get("/app/page", alice);
        assertThat(forAlice.text()).isEqualTo("the page of alice");
        RawHttp.Response forBob = get("/app/page", bob);
        assertThat(forBob.text()).isEqualTo("the page of bob");
        assertThat(get("/app/page", alice).text()).isEqualTo("the page of alice");
        assertThat(upstreamSaw("/page")).isEqualTo(3);
        assertThat(cacheOf(forBob)).isEqualTo("miss");
    }

    @Test
    void setCookieAndNoStoreResponsesAreNeverKept() {
        for (String path : List.of("/cookie", "/nostore", "/unlisted.txt")) {
            get("/app" + path, alice);
            RawHttp.Response again = get("/app" + path, bob);
            assertThat(again.text()).as(path).isEqualTo("response 2 of " + path);
            assertThat(cacheOf(again)).as(path).isEqualTo("miss");
            assertThat(again.headers("Set-Cookie")).as(path).allSatisfy(c -> assertThat(c).doesNotContain("alice"));
        }
    }

    @Test
    void aListedPathIsKeptWithoutCacheControl() {
        get("/app/listed/logo.txt", alice);
        RawHttp.Response again = get("/app/listed/logo.txt", bob);
        assertThat(again.text()).isEqualTo("response 1 of /listed/logo.txt");
        assertThat(cacheOf(again)).isEqualTo("hit");
    }

    @Test
    void anUnauthorizedCallerIsRefusedBeforeTheCache() {
        get("/app/static/refused.js", alice); // cached by now
        RawHttp.Response refused = get("/app/static/refused.js", mallory);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text()).doesNotContain("drawbridge()");
        assertThat(gateway.audit(refused.header("X-Request-Id")).has("cache")).isFalse();
        RawHttp.Response anonymous = get("/app/static/refused.js", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.text()).doesNotContain("drawbridge()");
    }

    @Test
    void anEntryExpiresAfterItsMaxAge() throws Exception {
        RawHttp.Response first = get("/app/short", alice);
        RawHttp.Response second = get("/app/short", alice);
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(cacheOf(second)).isEqualTo("hit");
        Thread.sleep(2100); // max-age=1: Age counts in whole seconds
        RawHttp.Response third = get("/app/short", bob);
        assertThat(third.text()).isEqualTo("response 2 of /short");
        assertThat(cacheOf(third)).isEqualTo("stale");
        assertThat(upstreamSaw("/short")).isEqualTo(2);
    }

    @Test
    void aBodyOverTheEntryBoundStreamsThroughUncached() {
        assertThat(get("/app/big", alice).text()).isEqualTo(BIG);
        RawHttp.Response again = get("/app/big", bob);
        assertThat(again.text()).isEqualTo(BIG);
        assertThat(cacheOf(again)).isEqualTo("miss");
        assertThat(upstreamSaw("/big")).isEqualTo(2);
    }

    @Test
    void theUpstreamsBytesAreKeptAndCompressedOnTheWayOutForThoseWhoAcceptIt() throws Exception {
        RawHttp.Response gzipped = get("/app/static/compressed.js", alice, "Accept-Encoding: gzip");
        assertThat(gzipped.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(gunzip(gzipped.body())).isEqualTo(SCRIPT);
        RawHttp.Response plain = get("/app/static/compressed.js", bob);
        assertThat(plain.header("Content-Encoding")).isNull();
        assertThat(plain.text()).isEqualTo(SCRIPT);
        RawHttp.Response again = get("/app/static/compressed.js", bob, "Accept-Encoding: gzip, br");
        assertThat(cacheOf(again)).isEqualTo("hit");
        assertThat(again.header("Content-Encoding")).isIn("gzip", "br");
        assertThat(again.header("Vary")).containsIgnoringCase("accept-encoding");
        assertThat(again.header("ETag")).isEqualTo("W/\"js1\"");
        assertThat(upstreamSaw("/static/compressed.js")).isEqualTo(1);
    }

    @Test
    void theClientsNoCacheGoesToTheUpstreamAndIsAuditedAsBypass() {
        get("/app/static/nocache.js", alice);
        int before = upstreamSaw("/static/nocache.js");
        RawHttp.Response fresh = get("/app/static/nocache.js", alice, "Cache-Control: no-cache");
        assertThat(fresh.status()).isEqualTo(200);
        assertThat(cacheOf(fresh)).isEqualTo("bypass");
        assertThat(upstreamSaw("/static/nocache.js")).isEqualTo(before + 1);
    }

    @Test
    void hitsAndMissesAreCountedInTheMetrics() throws Exception {
        get("/app/static/counted.js", alice);
        get("/app/static/counted.js", alice);
        var http = HttpClient.newHttpClient();
        var scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().managementPort()
                + "/metrics")).build();
        String text = "";
        for (int i = 0; i < 100 && !(text.contains("result=\"hit\"") && text.contains("result=\"miss\"")); i++) {
            Thread.sleep(50); // counted from the audit records, on the audit writer's thread
            text = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
        }
        assertThat(text).containsPattern("drawbridge_cache_requests_total\\{.*result=\"hit\".*} [1-9]");
        assertThat(text).containsPattern("drawbridge_cache_entries [1-9]");
        assertThat(text).containsPattern("drawbridge_cache_size_bytes [1-9]");
    }

    @Test
    void anUpstreamThatEncodesByItselfIsKeptPerAcceptEncodingAndNeverGivesGzipToWhoCannotReadIt() throws Exception {
        for (String path : List.of("/negotiated", "/unsaid")) { // with Vary: Accept-Encoding, and without it
            RawHttp.Response gzipped = get("/app" + path, alice, "Accept-Encoding: gzip");
            assertThat(gzipped.header("Content-Encoding")).as(path).isEqualTo("gzip");
            assertThat(gunzip(gzipped.body())).isEqualTo(SCRIPT);
            RawHttp.Response plain = get("/app" + path, bob);
            assertThat(plain.header("Content-Encoding")).as(path).isNull();
            assertThat(plain.text()).isEqualTo(SCRIPT);
            assertThat(cacheOf(plain)).as(path).isEqualTo("miss");
            RawHttp.Response gzippedAgain = get("/app" + path, bob, "Accept-Encoding: gzip");
            assertThat(cacheOf(gzippedAgain)).as(path).isEqualTo("hit");
            assertThat(gunzip(gzippedAgain.body())).isEqualTo(SCRIPT);
            RawHttp.Response plainAgain = get("/app" + path, alice);
            assertThat(cacheOf(plainAgain)).as(path).isEqualTo("hit");
            assertThat(plainAgain.header("Content-Encoding")).isNull();
            assertThat(plainAgain.text()).isEqualTo(SCRIPT);
            assertThat(upstreamSaw(path)).as(path).isEqualTo(2);
        }
    }

    private static byte[] gzip(String text) throws java.io.IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static String gunzip(byte[] body) throws Exception {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
