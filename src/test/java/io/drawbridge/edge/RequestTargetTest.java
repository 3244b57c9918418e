package io.drawbridge.edge;

import io.drawbridge.Reason;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one normalized path the gateway routes, judges and forwards on. Rows name their input; {@code <null>}
 * in a column means "absent" (no query, no authority).
 */
class RequestTargetTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', nullValues = "<null>", textBlock = """
            root                                  | /                             | /            | <null>
            a plain path                          | /echo                         | /echo        | <null>
            a trailing slash is kept              | /echo/                        | /echo/       | <null>
            a dot segment goes                    | /a/./b                        | /a/b         | <null>
            a dot-dot segment climbs one          | /a/../b                       | /b           | <null>
            a final dot-dot keeps the slash       | /a/b/..                       | /a/          | <null>
            a final dot keeps the slash           | /a/b/.                        | /a/b/        | <null>
            the root's dot                        | /.                            | /            | <null>
            climbing back to the root             | /a/..                         | /            | <null>
            repeated slashes merge                | //a///b                       | /a/b         | <null>
            repeated trailing slashes merge       | /a//                          | /a/          | <null>
            only slashes                          | ///                           | /            | <null>
            an unreserved escape is decoded       | /%61                          | /a           | <null>
            every unreserved kind is decoded      | /%41%7a%30%2D%5f%7E           | /Az0-_~      | <null>
            an encoded dot-dot climbs             | /a/%2E%2E/b                   | /b           | <null>
            a lower-case encoded dot-dot climbs   | /a/b/%2e%2e                   | /a/          | <null>
            a half-encoded dot-dot climbs         | /a/.%2e/b                     | /b           | <null>
            an encoded dot goes                   | /a/%2e/b                      | /a/b         | <null>
            other escapes are upper-cased         | /caf%c3%a9                    | /caf%C3%A9   | <null>
            an encoded space stays encoded        | /a%20b                        | /a%20b       | <null>
            an encoded colon stays encoded        | /%3a                          | /%3A         | <null>
            an encoded percent stays encoded      | /100%25                       | /100%25      | <null>
            the query is kept raw                 | /s?q=a%2fb&x=%7E              | /s           | q=a%2fb&x=%7E
            the query keeps slashes and dots      | /a/../b?next=/x/../y?z        | /b           | next=/x/../y?z
            an empty query is still a query       | /s?                           | /s           | ''
            a semicolon is fine in the query      | /s?a=1;b=2                    | /s           | a=1;b=2
            """)
    void normalizesOriginFormTargets(String row, String target, String path, String query) {
        RequestTarget parsed = RequestTarget.parse(target);

        assertThat(parsed.path()).isEqualTo(path);
        assertThat(parsed.query()).isEqualTo(query);
        assertThat(parsed.authority()).isNull();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', nullValues = "<null>", textBlock = """
            host and path                         | http://example.com/a/b?x=1        | example.com      | /a/b   | x=1
            https with a port, no path            | https://example.com:8443          | example.com:8443 | /      | <null>
            scheme in any case                    | HTTP://Example.com/a              | Example.com      | /a     | <null>
            a query right after the host          | http://example.com?x=1            | example.com      | /      | x=1
            dot segments are resolved             | http://example.com/./a/../b       | example.com      | /b     | <null>
            escapes are normalized                | http://example.com/%7e%c3%a9      | example.com      | /~%C3%A9 | <null>
            """)
    void parsesAbsoluteFormTargets(String row, String target, String authority, String path, String query) {
        RequestTarget parsed = RequestTarget.parse(target);

        assertThat(parsed.authority()).isEqualTo(authority);
        assertThat(parsed.path()).isEqualTo(path);
        assertThat(parsed.query()).isEqualTo(query);
    }

    @ParameterizedTest(name = "{0}: [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            empty target                          | ''
            asterisk-form                         | *
            a relative path                       | a/b
            another scheme                        | ftp://example.com/a
            an http scheme with one slash         | http:/a
            an empty authority                    | http:///a
            only a scheme                         | http://
            user info                             | http://user@example.com/a
            user info with a password             | https://user:secret@example.com/
            a dot-dot above the root              | /..
            a dot-dot above the root, then more   | /../a
            climbing twice from one level         | /a/../..
            an encoded dot-dot above the root     | /%2e%2e
            an upper-case encoded dot-dot above   | /%2E%2E/x
            a half-encoded dot-dot above          | /.%2E/x
            an encoded slash                      | /a%2fb
            an upper-case encoded slash           | /a%2Fb
            an encoded backslash                  | /a%5cb
            an upper-case encoded backslash       | /a%5Cb
            a backslash                           | /a\\b
            an encoded NUL                        | /a%00b
            an encoded line feed                  | /a%0ab
            an encoded carriage return            | /a%0Db
            an encoded unit separator             | /a%1fb
            an encoded DEL                        | /a%7fb
            an encoded semicolon                  | /a%3bb
            an upper-case encoded semicolon       | /a%3Bb
            an encoded hash                       | /a%23b
            an encoded question mark              | /a%3fb
            double encoding of a letter           | /%2541
            double encoding of a slash            | /a%252fb
            double encoding of dots               | /%252e%252e
            double encoding, lower-case hex       | /%25ff
            a lone percent                        | /%
            a percent at the end                  | /a%
            a truncated escape                    | /a%4
            a truncated escape before a slash     | /a%4/b
            an escape with non-hex digits         | /%zz
            an escape with one non-hex digit      | /%4g
            an escape with a leading non-hex      | /%g4
            overlong UTF-8 dot, two bytes         | /%c0%ae
            overlong UTF-8 dot-dot, two bytes     | /%c0%ae%c0%ae/x
            overlong UTF-8 slash                  | /a%c0%afb
            overlong UTF-8 dot, three bytes       | /%e0%80%ae
            overlong UTF-8 slash, four bytes      | /%f0%80%80%af
            a lone continuation byte              | /%80
            an invalid byte                       | /%ff
            a truncated sequence                  | /caf%c3
            a sequence cut by ASCII               | /%c3%28
            an encoded surrogate                  | /%ed%a0%80
            beyond U+10FFFF                       | /%f4%90%80%80
            a path parameter                      | /a;b
            a session id parameter                | /login;jsessionid=1
            a fragment                            | /a#b
            a segment ending in a dot             | /admin.
            a segment ending in two dots          | /admin../x
            a segment of three dots               | /.../x
            a segment ending in an encoded dot    | /admin%2e
            a segment ending in an encoded space  | /admin%20/x
            an authority with a port over 65535   | http://example.com:65536/a
            a fragment after the query            | /a?x=1#b
            a fragment in absolute form           | http://example.com/a#b
            a space                               | '/a b'
            a trailing space                      | '/a '
            a space in the query                  | '/a?b c'
            a raw non-ASCII letter                | /café
            raw CJK                               | /日本
            a raw non-ASCII in the query          | /a?q=é
            a bad escape in the query             | /a?q=%zz
            a truncated escape in the query       | /a?q=%4
            a quote in the query                  | /a?q="x"
            """)
    void rejectsWithPathRejected(String row, String target) {
        assertRejected(target);
    }

    @Test
    void keepsDotsInsideSegmentsAndSpacesBeforeTheEnd() {
        assertThat(RequestTarget.parse("/v1.2/file.tar.gz").path()).isEqualTo("/v1.2/file.tar.gz");
        assertThat(RequestTarget.parse("/.well-known/x").path()).isEqualTo("/.well-known/x");
        assertThat(RequestTarget.parse("/a%20b").path()).isEqualTo("/a%20b");
    }

    @Test
    void acceptsHostsWithAnUnderscoreAndRefusesTheRest() {
        assertThat(RequestTarget.isHostAndPort("my_service:8080")).isTrue();
        assertThat(RequestTarget.isHostAndPort("example.com:65535")).isTrue();
        assertThat(RequestTarget.isHostAndPort("a.example.com, b.example.com")).isFalse();
        assertThat(RequestTarget.isHostAndPort("b@a.example.com")).isFalse();
        assertThat(RequestTarget.isHostAndPort("")).isFalse();
    }

    @Test
    void keepsSubDelimsColonAndAtInThePath() {
        assertThat(RequestTarget.parse("/a:b@c!$&'()*+,=").path()).isEqualTo("/a:b@c!$&'()*+,=");
    }

    static Stream<Named<String>> controlCharacters() {
        return Stream.of(
                Named.of("a tab", "/a\tb"),
                Named.of("a raw line feed", "/a\nb"),
                Named.of("a raw carriage return and line feed", "/a\r\nX-Evil: 1"),
                Named.of("a raw NUL", "/a\0b"),
                Named.of("a raw SOH", "/a\u0001b"),
                Named.of("a raw DEL", "/a\u007fb"),
                Named.of("a raw no-break space", "/a\u00a0b"),
                Named.of("a raw line separator", "/a\u2028b"),
                Named.of("a raw line feed in the query", "/a?x=1\ny"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controlCharacters")
    void rejectsRawControlCharacters(String target) {
        assertRejected(target);
    }

    @Test
    void rejectsAMissingTarget() {
        assertRejected(null);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "a", "*", "echo/x"})
    void normalizePathRejectsWhatDoesNotStartWithASlash(String raw) {
        assertThatThrownBy(() -> RequestTarget.normalizePath(raw))
                .isInstanceOfSatisfying(BadRequest.class, e -> {
                    assertThat(ErrorResponses.statusFor(e.reason())).isEqualTo(400);
                    assertThat(e.reason()).isEqualTo(Reason.PATH_REJECTED);
                });
    }

    @Test
    void normalizedPathIsAFixedPoint() {
        String once = RequestTarget.normalizePath("//a/./b/../c%7e%c3%a9//");

        assertThat(once).isEqualTo("/a/c~%C3%A9/");
        assertThat(RequestTarget.normalizePath(once)).isEqualTo(once);
    }

    @Test
    void pathAndQueryJoinsThemWithAQuestionMark() {
        assertThat(RequestTarget.parse("/a/../b?x=1").pathAndQuery()).isEqualTo("/b?x=1");
        assertThat(RequestTarget.parse("/a/../b").pathAndQuery()).isEqualTo("/b");
        assertThat(RequestTarget.parse("/b?").pathAndQuery()).isEqualTo("/b?");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/%25%32%66", "/%25%32f", "/%252%66", "/a/%25%32%65%25%32%65/b"})
    void rejectsDoubleEncodingWhoseHexDigitsAreThemselvesEncoded(String target) {
        // After one decoding each of these is "%2f" or "%2e%2e": the same bytes "/%252f" would give, which is
        // rejected as double encoding. Normalized, they become exactly that rejected form.
        assertRejected(target);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://example.com#frag", "http://exa\\mple.com/", "http://exa\"mple.com/a",
            "http://example.com%2f/a"})
    void rejectsAnAbsoluteFormAuthorityThatIsNotAHost(String target) {
        assertRejected(target);
    }

    private static void assertRejected(String target) {
        assertThatThrownBy(() -> RequestTarget.parse(target))
                .as("target %s", target)
                .isInstanceOfSatisfying(BadRequest.class, e -> {
                    assertThat(ErrorResponses.statusFor(e.reason())).isEqualTo(400);
                    assertThat(e.reason()).isEqualTo(Reason.PATH_REJECTED);
                });
    }
}
