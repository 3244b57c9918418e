package io.drawbridge.proxy;

import io.drawbridge.config.IdentityHeadersConfig;
import io.drawbridge.identity.Identity;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
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

import static org.assertj.core.api.Assertions.assertThat;

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
                Arguments.of(Named.of("an empty email", "")),
                Arguments.of(Named.of("an email of controls only", "\r\n\u0000")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyEmails")
    void omitsAnEmptyValue(String email) {
        HttpHeaders headers = new DefaultHttpHeaders();

        defaults.apply(identity("alice", email, Set.of()), headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("X-Forwarded-User", "X-Forwarded-Preferred-Username");
    }

    @Test
    void aUserNameWithCrLfDoesNotCreateAHeader() {
        HttpHeaders headers = new DefaultHttpHeaders(); // validating, as ProxyStep's: must not even throw

        defaults.apply(identity("alice\r\nX-Evil: 1", "a@example.com\r\n\r\nGET /admin HTTP/1.1", Set.of()), headers);

        assertThat(headers.get("X-Forwarded-User")).isEqualTo("aliceX-Evil: 1");
        assertThat(headers.get("X-Forwarded-Email")).isEqualTo("a@example.comGET /admin HTTP/1.1");
        assertThat(headers.contains("X-Evil")).isFalse();
    }

    @Test
    void onTheWireTheClaimsStayInsideTheirOwnHeaderLines() {
        // Non-validating headers: only the stripping stands between a claim and header injection.
        HttpHeaders headers = new DefaultHttpHeaders(false);
        defaults.apply(identity("alice\r\nX-Evil: 1", "a@example.com\nX-Evil: 2", Set.of("eng\r\nX-Evil: 3")),
                headers);

        List<String> lines = encode(headers);

        assertThat(lines).filteredOn(l -> l.toLowerCase().startsWith("x-evil")).isEmpty();
        assertThat(lines).contains("X-Forwarded-User: aliceX-Evil: 1", "X-Forwarded-Email: a@example.comX-Evil: 2",
                "X-Forwarded-Groups: engX-Evil: 3");
    }

    static Stream<Arguments> claimValues() {
        return Stream.of(
                Arguments.of(Named.of("plain", "alice"), "alice"),
                Arguments.of(Named.of("a tab is kept", "a\tb"), "a\tb"),
                Arguments.of(Named.of("spaces are kept", "Alice Smith"), "Alice Smith"),
                Arguments.of(Named.of("Latin-1 is kept", "Jos\u00e9"), "Jos\u00e9"),
                Arguments.of(Named.of("CR and LF go", "a\r\nb"), "ab"),
                Arguments.of(Named.of("a lone LF goes", "a\nb"), "ab"),
                Arguments.of(Named.of("NUL goes", "a\u0000b"), "ab"),
                Arguments.of(Named.of("other C0 controls go", "a\u0001\u001fb"), "ab"),
                Arguments.of(Named.of("DEL goes", "a\u007fb"), "ab"),
                Arguments.of(Named.of("beyond Latin-1 goes", "a\u2028b\u65e5"), "ab"),
                Arguments.of(Named.of("only controls", "\r\n"), ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("claimValues")
    void headerSafeStripsControlCharacters(String value, String safe) {
        assertThat(IdentityHeaders.headerSafe(value)).isEqualTo(safe);
    }

    @Test
    void headerSafeKeepsNull() {
        assertThat(IdentityHeaders.headerSafe(null)).isNull();
    }

    @Test
    void aGroupWithControlsIsCleanedAndTheOthersKept() {
        HttpHeaders headers = new DefaultHttpHeaders();

        defaults.apply(identity("alice", null, Set.of("eng\r\n", "ops")), headers);

        assertThat(Arrays.asList(headers.get("X-Forwarded-Groups").split(","))).containsExactlyInAnyOrder("eng", "ops");
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
