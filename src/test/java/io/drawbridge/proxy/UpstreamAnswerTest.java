package io.drawbridge.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the gateway will not pass on from an upstream's response head. */
class UpstreamAnswerTest {

    @Test
    void theConfiguredSessionCookieItsPartsAndItsLoginCookieAreRemovedInAnySpelling() {
        HttpHeaders headers = new DefaultHttpHeaders(false)
                .add("Set-Cookie", "acme_sid=x").add("Set-Cookie", "ACME_SID_3=x; Domain=.acme.test")
                .add("Set-Cookie", "__Host-acme_sid_login_abc=x; Path=/").add("Set-Cookie", "acme_sidx=kept")
                .add("Set-Cookie", "drawbridge_session=kept-too").add("X-Other", "1");

        assertThat(UpstreamAnswer.removeOwnCookies(headers, "acme_sid"))
                .containsExactly("acme_sid", "acme_sid_3", "acme_sid_login_abc");
        assertThat(headers.getAll("Set-Cookie")).containsExactly("acme_sidx=kept", "drawbridge_session=kept-too");
        assertThat(headers.get("X-Other")).isEqualTo("1");
    }

    @Test
    void headsWithoutOurCookiesAreLeftAsTheyAre() {
        HttpHeaders headers = new DefaultHttpHeaders().add("Set-Cookie", "a=1").add("Set-Cookie", "b=2");

        assertThat(UpstreamAnswer.removeOwnCookies(headers, "drawbridge_session")).isEmpty();
        assertThat(headers.getAll("Set-Cookie")).containsExactly("a=1", "b=2");
    }

    @Test
    void statusesOutside100To599AreProblems() {
        assertThat(UpstreamAnswer.problem(response(999))).contains("999");
        assertThat(UpstreamAnswer.problem(response(99))).contains("99");
        assertThat(UpstreamAnswer.problem(response(600))).isNotNull();
        assertThat(UpstreamAnswer.problem(response(599))).isNull();
        assertThat(UpstreamAnswer.problem(response(100))).isNull();
    }

    @Test
    void aControlCharacterInAHeaderValueIsAProblemATabIsNot() {
        var bad = response(200);
        bad.headers().add("X-A", "a\rb");
        assertThat(UpstreamAnswer.problem(bad)).contains("control character");
        var ok = response(200);
        ok.headers().add("X-A", "a\tb");
        assertThat(UpstreamAnswer.problem(ok)).isNull();
    }

    private static DefaultHttpResponse response(int status) {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                new DefaultHttpHeaders(false));
    }
}
