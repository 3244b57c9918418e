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

    @org.junit.jupiter.api.Test
    void refusesOverlongPaths() {
        assertThat(ReturnPath.check("/" + "a".repeat(ReturnPath.MAX_LENGTH))).isEmpty();
    }
}
