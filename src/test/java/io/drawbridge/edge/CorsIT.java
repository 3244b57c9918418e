package io.drawbridge.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.drawbridge.testing.Chromium;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-origin calls to protected routes, over raw sockets and through headless Chromium's own CORS checks: the
 * gateway answers preflights itself (they carry no token), never passes them upstream, and lets only listed
 * origins read responses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorsIT {

    private final TokenMinter minter = new TokenMinter();
    private final TestUpstream upstream = new TestUpstream();
    private GatewayFixture gateway;
    private HttpServer site;
    private String siteOrigin;
    private String alice;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/", exchange -> {
            byte[] page = "<!doctype html><title>portal</title><p>a page on another origin</p>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        site.start();
        siteOrigin = "http://127.0.0.1:" + site.getAddress().getPort();
        minter.writeJwks(dir.resolve("jwks.json"));
        alice = minter.token("alice", List.of("sre"));
        gateway = GatewayFixture.start(dir, """
                @TEST_ISSUER@
                policies:
                  sre:
                    allow: [{groups: [sre]}]
                """, Map.of(
                "api.yaml", route("api", "/api?corsOrigins=" + siteOrigin
                        + "&corsMethods=GET,POST&corsCredentials=true"),
                "other.yaml", route("other", "/other?corsOrigins=https://portal.example.com"),
                "plain.yaml", route("plain", "/plain")), Map.of("upstream", upstream.url()));
    }

    private static String route(String id, String from) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "gateway:%s"
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize?policy=sre
                        - to: "drawbridge:proxy?upstream={{upstream}}&stripPrefix=true"
                """.formatted(id, from);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
        site.stop(0);
    }

    @BeforeEach
    void forgetEarlierRequests() {
        upstream.received().clear();
    }

    private RawHttp.Response send(String method, String path, String... headers) {
        var request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return RawHttp.exchange(gateway.port(), request.append("Content-Length: 0\r\n\r\n").toString());
    }

    @Test
    void anAllowedPreflightIsAnsweredByTheGatewayWithoutATokenAndNeverReachesTheUpstream() {
        RawHttp.Response response = send("OPTIONS", "/api/items", "Origin: " + siteOrigin,
                "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: authorization,content-type");
        assertThat(response.status()).isEqualTo(204);
        assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo(siteOrigin);
        assertThat(response.header("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(response.header("Access-Control-Allow-Methods")).isEqualTo("GET, POST");
        assertThat(response.header("Access-Control-Allow-Headers")).isEqualTo("authorization,content-type");
        assertThat(upstream.received()).isEmpty();
        JsonNode record = gateway.audit(response.header("X-Request-Id"));
        assertThat(record.path("decision").asText()).isEqualTo("allow");
        assertThat(record.path("reason").asText()).isEqualTo("cors-preflight");
        assertThat(record.path("route").asText()).isEqualTo("api");
    }

    @Test
    void aPreflightFromAnUnlistedOriginOrForAnUnlistedMethodIsRefusedAndAudited() {
        RawHttp.Response foreign = send("OPTIONS", "/api/items", "Origin: https://evil.example.com",
                "Access-Control-Request-Method: GET");
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
        JsonNode record = gateway.audit(foreign.header("X-Request-Id"));
        assertThat(record.path("reason").asText()).isEqualTo("cors-refused");
        assertThat(record.path("decision").asText()).isEqualTo("deny");

        RawHttp.Response delete = send("OPTIONS", "/api/items", "Origin: " + siteOrigin,
                "Access-Control-Request-Method: DELETE");
        assertThat(delete.status()).isEqualTo(403);
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void theCrossOriginRequestItselfIsAuthenticatedAndItsAnswerReadableByTheListedOriginOnly() {
        RawHttp.Response allowed = send("GET", "/api/items", "Origin: " + siteOrigin,
                "Authorization: Bearer " + alice);
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(siteOrigin);
        assertThat(allowed.header("Access-Control-Expose-Headers")).isEqualTo("X-Request-Id");

        RawHttp.Response noToken = send("GET", "/api/items", "Origin: " + siteOrigin);
        assertThat(noToken.status()).as("CORS never stands in for authentication").isEqualTo(401);
        assertThat(noToken.header("Access-Control-Allow-Origin")).as("the page may read why").isEqualTo(siteOrigin);

        RawHttp.Response foreign = send("GET", "/api/items", "Origin: https://evil.example.com",
                "Authorization: Bearer " + alice);
        assertThat(foreign.status()).isEqualTo(200);
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
        assertThat(foreign.header("Vary")).containsIgnoringCase("origin");
    }

    @Test
    void aRouteWithoutCorsLeavesPreflightsToItsSteps() {
        RawHttp.Response response = send("OPTIONS", "/plain/items", "Origin: " + siteOrigin,
                "Access-Control-Request-Method: GET");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void chromiumLetsTheListedOriginsPageCallTheRouteWithAToken(@TempDir Path profile) {
        WebDriver browser = Chromium.open(profile);
        try {
            browser.get(siteOrigin + "/");
            browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
            String allowed = call(browser, gateway.url("/api/items"));
            assertThat(allowed).startsWith("ok 200 ");
            assertThat(upstream.received()).extracting(TestUpstream.Received::method).containsExactly("POST");

            upstream.received().clear();
            String refused = call(browser, gateway.url("/other/items"));
            assertThat(refused).startsWith("blocked TypeError");
            assertThat(upstream.received()).as("the browser never sent the request itself").isEmpty();
        } finally {
            browser.quit();
        }
    }

    /** A cross-origin POST with a bearer token and a JSON body: the browser sends a preflight first. */
    private String call(WebDriver browser, String url) {
        return (String) ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0], {method: 'POST', credentials: 'include',
                    headers: {'Authorization': 'Bearer ' + arguments[1], 'Content-Type': 'application/json'},
                    body: '{}'})
                  .then(r => r.text().then(() => done('ok ' + r.status + ' ' + r.headers.get('X-Request-Id'))))
                  .catch(e => done('blocked ' + e));
                """, url, alice);
    }
}
