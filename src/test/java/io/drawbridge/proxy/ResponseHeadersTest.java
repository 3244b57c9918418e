package io.drawbridge.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.util.CaseInsensitiveMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upstream's response headers as they land on the Camel message (Camel's case-insensitive header map, as
 * {@code ProxyCall} uses it), on their way to the client.
 */
class ResponseHeadersTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding",
            "Upgrade", "Proxy-Authenticate", "Proxy-Authorization", "keep_alive", "CamelHttpResponseCode",
            "camelhttpresponsecode", "CAMELHTTPURI", "cAmElFoo", "org.apache.camel.Anything"})
    void dropsHopByHopAndCamelHeaders(String name) {
        Map<String, Object> message = copy(headers(name, "upstream-value", "Content-Type", "text/plain"));

        assertThat(message).containsExactly(Map.entry("Content-Type", "text/plain"));
    }

    @Test
    void dropsTheHeadersTheUpstreamNamedInConnection() {
        HttpHeaders headers = headers(
                "Connection", "close, X-Internal",
                "Connection", "x-other",
                "X-INTERNAL", "secret",
                "X-Other", "o",
                "X-Public", "p");

        assertThat(copy(headers)).containsExactly(Map.entry("X-Public", "p"));
    }

    @Test
    void keepsEndToEndHeadersWithTheirValues() {
        HttpHeaders headers = headers(
                "Content-Type", "application/json; charset=utf-8",
                "Content-Length", "42",
                "Cache-Control", "private, max-age=0",
                "Location", "/login?next=%2Fa",
                "WWW-Authenticate", "Basic realm=\"upstream\"",
                "ETag", "\"v1\"");

        Map<String, Object> message = copy(headers);

        assertThat(message).containsOnly(
                Map.entry("Content-Type", "application/json; charset=utf-8"),
                Map.entry("Content-Length", "42"),
                Map.entry("Cache-Control", "private, max-age=0"),
                Map.entry("Location", "/login?next=%2Fa"),
                Map.entry("WWW-Authenticate", "Basic realm=\"upstream\""),
                Map.entry("ETag", "\"v1\""));
    }

    @Test
    void keepsRepeatedSetCookieInOrderAsAList() {
        HttpHeaders headers = headers(
                "Set-Cookie", "a=1; Path=/; HttpOnly",
                "Content-Type", "text/html",
                "set-cookie", "b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT",
                "SET-COOKIE", "c=3");

        Map<String, Object> message = copy(headers);

        assertThat(message.get("Set-Cookie"))
                .isEqualTo(List.of("a=1; Path=/; HttpOnly", "b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT", "c=3"));
        assertThat(message.get("Content-Type")).isEqualTo("text/html");
    }

    @Test
    void aSingleSetCookieStaysAString() {
        assertThat(copy(headers("Set-Cookie", "a=1")).get("Set-Cookie")).isEqualTo("a=1");
    }

    @Test
    void repeatsIntoAPlainMapToo() {
        Map<String, Object> message = new LinkedHashMap<>();

        ResponseHeaders.copy(headers("Vary", "Accept", "Vary", "Origin", "Vary", "Cookie"), message);

        assertThat(message).containsExactly(Map.entry("Vary", List.of("Accept", "Origin", "Cookie")));
    }

    private static Map<String, Object> copy(HttpHeaders headers) {
        Map<String, Object> message = new CaseInsensitiveMap();
        ResponseHeaders.copy(headers, message);
        return message;
    }

    private static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }
}
