package io.drawbridge.proxy;

import io.drawbridge.Reason;
import io.drawbridge.config.IdentityEncodingConfig;
import io.drawbridge.config.IdentityHeadersConfig;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.AccessDenied;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The identity headers the gateway sets for the upstream, from the verified identity only. */
class IdentityHeadersTest {

    private final IdentityHeaders defaults = new IdentityHeaders(IdentityHeadersConfig.defaults());

    @Test
    void setsUserEmailAndGroupsFromTheIdentity() {
        HttpHeaders headers = new DefaultHttpHeaders();

        defaults.apply(identity("alice", "alice@example.com", Set.of("eng", "ops")), headers);

        assertThat(headers.get("X-Forwarded-User")).isEqualTo("alice");
        assertThat(headers.get("X-Forwarded-Email")).isEqualTo("alice@example.com");
        assertThat(Arrays.asList(headers.get("X-Forwarded-Groups").split(","))).containsExactlyInAnyOrder("eng", "ops");
        assertThat(headers.get("X-Forwarded-Preferred-Username")).isEqualTo("alice");
        assertThat(headers.size()).isEqualTo(4);
    }

    @Test
    void usesTheConfiguredHeaderNames() {
        var acme = new IdentityHeaders(new IdentityHeadersConfig("X-Acme-User", "X-Acme-Mail", "X-Acme-Groups", null, null));
        HttpHeaders headers = new DefaultHttpHeaders();

        acme.apply(identity("alice", "alice@example.com", Set.of("eng")), headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("X-Acme-User", "X-Forwarded-Preferred-Username", "X-Acme-Mail",
                "X-Acme-Groups");
        assertThat(headers.get("X-Acme-Groups")).isEqualTo("eng");
    }

    @Test
    void replacesWhateverWasThereUnderThoseNames() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("X-Forwarded-User", "mallory")
                .add("x-forwarded-user", "mallory2")
                .add("X-FORWARDED-EMAIL", "mallory@evil.example")
                .add("X-Forwarded-Groups", "admins")
                .add("Accept", "*/*");

        defaults.apply(identity("alice", null, Set.of()), headers);

        assertThat(headers.getAll("X-Forwarded-User")).containsExactly("alice");
        assertThat(headers.contains("X-Forwarded-Email")).isFalse();
        assertThat(headers.contains("X-Forwarded-Groups")).isFalse();
        assertThat(headers.get("Accept")).isEqualTo("*/*");
    }

    @Test
    void withoutIdentityRemovesThemAndSetsNothing() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("X-Forwarded-User", "mallory")
                .add("X-Forwarded-Email", "mallory@evil.example")
                .add("X-Forwarded-Groups", "admins")
                .add("Accept", "*/*");

        defaults.apply(null, headers);

        assertThat(headers.names()).containsExactly("Accept");
    }

    static Stream<Arguments> emptyEmails() {
        return Stream.of(
                Arguments.of(Named.of("no email", null)),
                Arguments.of(Named.of("an empty email", "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyEmails")
    void omitsAnEmptyValue(String email) {
        HttpHeaders headers = new DefaultHttpHeaders();

        defaults.apply(identity("alice", email, Set.of()), headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("X-Forwarded-User", "X-Forwarded-Preferred-Username");
    }

    @Test
    void aUserNameWithCrLfIsEncodedNotSplitIntoHeaders() {
        HttpHeaders headers = new DefaultHttpHeaders(); // validating, as ProxyStep's: must not even throw

        defaults.apply(identity("alice\r\nX-Evil: 1", null, Set.of()), headers);

        assertThat(headers.get("X-Forwarded-User")).isEqualTo("alice%0D%0AX-Evil: 1");
        assertThat(headers.contains("X-Evil")).isFalse();
    }

    @Test
    void onTheWireTheClaimsStayInsideTheirOwnHeaderLines() {
        // Non-validating headers: only the encoding stands between a claim and header injection.
        HttpHeaders headers = new DefaultHttpHeaders(false);
        defaults.apply(identity("alice\r\nX-Evil: 1", "a@example.com", Set.of("eng\r\nX-Evil: 3")), headers);

        List<String> lines = encode(headers);

        assertThat(lines).filteredOn(l -> l.toLowerCase().startsWith("x-evil")).isEmpty();
        assertThat(lines).contains("X-Forwarded-User: alice%0D%0AX-Evil: 1",
                "X-Forwarded-Groups: eng%0D%0AX-Evil: 3");
    }

    static Stream<Arguments> userValues() {
        return Stream.of(
                Arguments.of(Named.of("plain", "alice"), "alice"),
                Arguments.of(Named.of("inner spaces are kept", "Alice Smith"), "Alice Smith"),
                Arguments.of(Named.of("printable ASCII is kept", "a!#$&'*+-.^_`|~:/@=?()<>[]{},;\"b"),
                        "a!#$&'*+-.^_`|~:/@=?()<>[]{},;\"b"),
                Arguments.of(Named.of("% is encoded", "100%"), "100%25"),
                Arguments.of(Named.of("an escape stays an escape", "a%2Db"), "a%252Db"),
                Arguments.of(Named.of("a tab", "a\tb"), "a%09b"),
                Arguments.of(Named.of("Latin-1 as UTF-8", "Jos\u00e9"), "Jos%C3%A9"),
                Arguments.of(Named.of("a zero-width space", "admin-\u200bbob"), "admin-%E2%80%8Bbob"),
                Arguments.of(Named.of("a Cyrillic a", "\u0430dmin"), "%D0%B0dmin"),
                Arguments.of(Named.of("a fullwidth letter", "\uff41dmin"), "%EF%BD%81dmin"),
                Arguments.of(Named.of("outside the BMP", "a\ud83d\ude00"), "a%F0%9F%98%80"),
                Arguments.of(Named.of("CR and LF", "a\r\nb"), "a%0D%0Ab"),
                Arguments.of(Named.of("NUL", "a\u0000b"), "a%00b"),
                Arguments.of(Named.of("DEL", "a\u007fb"), "a%7Fb"),
                Arguments.of(Named.of("a leading space", " alice"), "%20alice"),
                Arguments.of(Named.of("a trailing space", "alice "), "alice%20"),
                Arguments.of(Named.of("a lone space", " "), "%20"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("userValues")
    void userValuesAreSentAsThemselvesOrPercentEncoded(String value, String header) {
        assertThat(IdentityHeaders.encode(value, false)).isEqualTo(header);
        assertThat(URLDecoder.decode(header.replace("+", "%2B"), StandardCharsets.UTF_8)).isEqualTo(value);
    }

    static Stream<Arguments> groupValues() {
        return Stream.of(
                Arguments.of(Named.of("a comma", "readers,admins"), "readers%2Cadmins"),
                Arguments.of(Named.of("a quote", "\"a"), "%22a"),
                Arguments.of(Named.of("a backslash", "a\\b"), "a%5Cb"),
                Arguments.of(Named.of("a semicolon", "a;q=1"), "a%3Bq=1"),
                Arguments.of(Named.of("an entity ref", "group:default/admins"), "group:default/admins"),
                Arguments.of(Named.of("an inner space", "Domain Admins"), "Domain Admins"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groupValues")
    void groupValuesAlsoEncodeTheListSyntax(String value, String header) {
        assertThat(IdentityHeaders.encode(value, true)).isEqualTo(header);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a\ud800", "\udc00a", "a\ud800b", "\ude00\ud83d"})
    void aLoneSurrogateHasNoEncoding(String value) {
        assertThat(IdentityHeaders.encode(value, false)).isNull();
    }

    static Stream<Arguments> groupSets() {
        return Stream.of(
                Arguments.of(Named.of("a NUL", Set.of("admins\u0000"))),
                Arguments.of(Named.of("a zero-width space", Set.of("adm\u200bins"))),
                Arguments.of(Named.of("a comma", Set.of("readers,admins"))),
                Arguments.of(Named.of("a leading space", Set.of(" admins"))),
                Arguments.of(Named.of("a trailing tab", Set.of("admins\t"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groupSets")
    void aLookAlikeGroupNeverReadsAsTheRealOne(Set<String> groups) {
        HttpHeaders headers = new DefaultHttpHeaders();

        defaults.apply(identity("alice", null, groups), headers);

        String header = headers.get("X-Forwarded-Groups");
        assertThat(Arrays.stream(header.split(",")).map(String::trim)).doesNotContain("admins");
        assertThat(URLDecoder.decode(header, StandardCharsets.UTF_8)).isEqualTo(groups.iterator().next());
    }

    @Test
    void anEmailThatCannotBeSentExactlyIsRefusedByDefault() {
        HttpHeaders headers = new DefaultHttpHeaders().add("Accept", "*/*");

        assertThatThrownBy(() -> defaults.apply(identity("alice", "alice@ex\u0430mple.com", Set.of()), headers))
                .isInstanceOfSatisfying(AccessDenied.class, denied -> {
                    assertThat(denied.reason()).isEqualTo(Reason.IDENTITY_UNREPRESENTABLE);
                    assertThat(denied.decision().detail()).startsWith("X-Forwarded-Email");
                });
    }

    @Test
    void eachHeaderCanBeSetToRefuseOrEncode() {
        var strict = new IdentityHeaders(new IdentityHeadersConfig(null, null, null, null, null,
                new IdentityEncodingConfig("refuse", "percent", "refuse")));
        HttpHeaders headers = new DefaultHttpHeaders();

        strict.apply(identity("alice", "\u00e9@example.com", Set.of("eng")), headers);
        assertThat(headers.get("X-Forwarded-Email")).isEqualTo("%C3%A9@example.com");

        assertThatThrownBy(() -> strict.apply(identity("admin-\u200bbob", null, Set.of()), new DefaultHttpHeaders()))
                .isInstanceOf(AccessDenied.class);
        assertThatThrownBy(() -> strict.apply(identity("alice", null, Set.of("a,b")), new DefaultHttpHeaders()))
                .isInstanceOf(AccessDenied.class);
    }

    @Test
    void aLoneSurrogateOrAnEmptyGroupIsRefusedWhateverTheSetting() {
        assertThatThrownBy(() -> defaults.apply(identity("a\ud800", null, Set.of()), new DefaultHttpHeaders()))
                .isInstanceOf(AccessDenied.class);
        assertThatThrownBy(() -> defaults.apply(identity("alice", null, Set.of("")), new DefaultHttpHeaders()))
                .isInstanceOf(AccessDenied.class);
    }

    private static Identity identity(String user, String email, Set<String> groups) {
        return new Identity("sub-1", user, email, groups, "test-issuer", null, Map.of(), null);
    }

    /** The request head as an upstream would read it, one header line per element. */
    private static List<String> encode(HttpHeaders headers) {
        var channel = new EmbeddedChannel(new HttpRequestEncoder());
        channel.writeOutbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/", headers));
        ByteBuf bytes = channel.readOutbound();
        try {
            return List.of(bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n"));
        } finally {
            bytes.release();
            channel.finishAndReleaseAll();
        }
    }
}
