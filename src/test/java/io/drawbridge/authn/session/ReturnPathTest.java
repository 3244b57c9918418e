package io.drawbridge.authn.session;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ReturnPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/app/", "/app/reports?year=2026&q=a%20b", "/grafana/d/abc?from=now-1h",
        "/caf%C3%A9", "/a/%2e%2e-is-just-text-here"})
    void keepsPathsOnTheGateway(String path) {
        assertThat(ReturnPath.check(path)).contains(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "app", "https://evil.example/", "http:/evil.example", "//evil.example",
        "///evil.example", "/\\evil.example", "\\\\evil.example", "/app\\..\\..\\evil", "/%2F%2Fevil.example",
        "/%2f/evil.example", "%2F%2Fevil.example", "/%5Cevil.example", "/%255Cevil.example",
        "/%252F%252Fevil.example", "/%25252F%25252Fevil.example", "/app%0d%0aSet-Cookie:x=y", "/app%0AX: y",
        "/app\r\nX: y", "/%09/evil.example", "/\t/evil.example", "/app%00", "/a b", "/caf\u00e9", "/%",
        "/%zz", "javascript:alert(1)", "/%2525252525252F"})
    void refusesAnythingThatCouldLeaveTheGateway(String path) {
        assertThat(ReturnPath.check(path)).as(path).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://grafana.example.com/d/x?y=1", "http://example.com/", "https://a.b.example.com:8443/"})
    void keepsUrlsOnHostsThatShareTheSessionCookie(String url) {
        assertThat(ReturnPath.check(url, "example.com")).contains(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evilexample.com/", "https://example.com.evil.net/", "https://evil.net/?example.com",
        "https://user@grafana.example.com/", "javascript://example.com/%0aalert(1)", "https://grafana.example.com//evil.net",
        "https://grafana.example.com/\\evil", "https://grafana.example.com/#x", "ftp://example.com/",
        "https://grafana.example.com/%0d%0aX:y", "https://grafana.example.com:99999/"})
    void refusesUrlsElsewhere(String url) {
        assertThat(ReturnPath.check(url, "example.com")).as(url).isEmpty();
        assertThat(ReturnPath.check("https://grafana.example.com/", null)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void refusesOverlongPaths() {
        assertThat(ReturnPath.check("/" + "a".repeat(ReturnPath.MAX_LENGTH))).isEmpty();
    }
}
