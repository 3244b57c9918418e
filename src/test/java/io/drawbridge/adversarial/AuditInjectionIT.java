package io.drawbridge.adversarial;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values a client controls (token claims, User-Agent, path, Host) that try to forge audit lines or fields: each
 * request still gives exactly one record, on one line, whose fields hold the value as data, and no forged record
 * appears anywhere in the file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditInjectionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> HOSTILE = List.of(
            "x\n{\"decision\":\"allow\",\"requestId\":\"forged\"}",
            "a\r\nb\rc",
            "\"},{\"decision\":\"allow\",\"requestId\":\"forged",
            "\",\"decision\":\"allow\"}\n{\"requestId\":\"forged\",\"x\":\"",
            "C:\\temp\\ \\\" \\u0022",
            "\u0000\u0001\u001b[31mred\u007f",
            "a\u2028b\u2029c\u0085d",
            "Grüße 日本語 \uD83D\uDE00 \u202Eabc",
            "x".repeat(600)); // longer values in a token end in headers the test upstream refuses (8 KiB)

    private final TokenMinter minter = new TokenMinter();
    private final TestUpstream upstream = new TestUpstream();
    private GatewayFixture gateway;

    @BeforeAll
    void start(@TempDir Path dir) {
        minter.writeJwks(dir.resolve("jwks.json"));
        gateway = GatewayFixture.start(dir, """
                @TEST_ISSUER@
                policies:
                  open:
                    public: true
                  sre:
                    allow:
                      - groups: [sre]
                """, Map.of(
                "app.yaml", HeaderSpoofingIT.route("app", "/app", true, "open"),
                "sre.yaml", HeaderSpoofingIT.route("sre", "/sre", true, "sre")), Map.of("upstream", upstream.url()));
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
    }

    Stream<Arguments> claims() {
        List<Arguments> cases = new ArrayList<>();
        for (String value : HOSTILE) {
            String shown = value.length() > 40 ? value.length() + " chars" : value;
            // no e-mail derived from the name: an e-mail a header cannot carry is refused (IdentityHeadersIT)
            cases.add(Arguments.of("sub " + shown, minter.token(value, List.of("eng"), b -> b.claim("email", null)),
                    "subject", value, "allow"));
            cases.add(Arguments.of("azp " + shown, minter.token("alice", List.of("eng"),
                    b -> b.claim("azp", value)), "clientId", value, "allow"));
            cases.add(Arguments.of("group " + shown, minter.token("alice", List.of(value)), "groups", value,
                    "deny"));
            // refused by its policy before any header carries it: the e-mail reaches the record as it was sent
            cases.add(Arguments.of("email " + shown, minter.token("alice", List.of("eng"),
                    b -> b.claim("email", value)), "email", value, "deny"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("claims")
    void tokenClaimsStayData(String name, String token, String field, String value, String decision) {
        String route = decision.equals("allow") ? "/app/x" : "/sre/x";
        RawHttp.Response response = RawHttp.exchange(gateway.port(), "GET " + route + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n");
        JsonNode record = onlyRecordOf(response);
        assertThat(record.path("decision").asText()).isEqualTo(decision);
        JsonNode recorded = record.get(field);
        String text = recorded.isArray() ? recorded.get(0).asText() : recorded.asText();
        assertThat(text).as("the claim as data").isEqualTo(value);
    }

    /** An address the issuer says is unverified is not the caller's as far as rules go, nor in the record. */
    @org.junit.jupiter.api.Test
    void anUnverifiedEmailIsNotRecorded() {
        String token = minter.token("alice", List.of("eng"), b -> b.claim("email_verified", false));
        RawHttp.Response response = RawHttp.exchange(gateway.port(), "GET /sre/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + token + "\r\nConnection: close\r\n\r\n");
        JsonNode record = onlyRecordOf(response);
        assertThat(record.path("subject").asText()).isEqualTo("alice");
        assertThat(record.has("email")).isTrue();
        assertThat(record.get("email").isNull()).isTrue();
    }

    /** Header values as raw bytes (ISO-8859-1 on the wire): CR, LF and NUL cannot be sent inside one. */
    static Stream<String> headerValues() {
        return Stream.of("\"},{\"decision\":\"allow\",\"requestId\":\"forged",
                "\",\"decision\":\"allow\"} {\"requestId\":\"forged\",\"x\":\"",
                "C:\\temp\\ \\\" \\u0022",
                "\u001b[31mred\u007f\t",
                new String("Grüße 日本語".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1),
                "x".repeat(12_000));
    }

    @ParameterizedTest
    @MethodSource("headerValues")
    void userAgentStaysData(String value) {
        RawHttp.Response response = RawHttp.exchange(gateway.port(), "GET /app/ua HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "User-Agent: " + value + "\r\nConnection: close\r\n\r\n");
        JsonNode record = onlyRecordOf(response);
        if (response.status() == 400) {
            return; // a value HTTP does not allow: refused, and recorded as such
        }
        String expected = value.strip();
        assertThat(record.path("userAgent").asText()).as("truncated, never reinterpreted")
                .isEqualTo(expected.substring(0, Math.min(256, expected.length())));
    }

    static Stream<String> targets() {
        return Stream.of("/app/%22%7D%0A%7B%22decision%22:%22allow%22,%22requestId%22:%22forged%22%7D",
                "/app/\"},{\"decision\":\"allow\",\"requestId\":\"forged\"}",
                "/app/%0d%0aX-Injected:%20yes",
                "/app/\\u000a{\\\"requestId\\\":\\\"forged\\\"}",
                "/app/" + "%22".repeat(2000));
    }

    @ParameterizedTest
    @MethodSource("targets")
    void pathsStayData(String target) {
        RawHttp.Response response = RawHttp.exchange(gateway.port(), "GET " + target + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n");
        JsonNode record = onlyRecordOf(response);
        assertThat(record.path("decision").asText()).isNotEqualTo("allow");
        String expected = target.length() <= 1024 ? target : target.substring(0, 1024) + "...";
        assertThat(record.path("target").asText()).as("the raw target, as data").isEqualTo(expected);
    }

    static Stream<Arguments> rawTargets() {
        return Stream.of(
                Arguments.of("/app/./a//b/../c", "/app/a/c", "/app/./a//b/../c"),
                Arguments.of("/app/%61%2e/x?token=s3cret&a=b", null, "/app/%61%2e/x"),
                Arguments.of("/app/x?password=s3cret", "/app/x", "/app/x"),
                Arguments.of("/app/%2e%2e/%2e%2e/etc/passwd", null, "/app/%2e%2e/%2e%2e/etc/passwd"),
                Arguments.of("/app/%E2%80%A5/admin", null, "/app/%E2%80%A5/admin"),
                Arguments.of("http://127.0.0.1/app/x?k=s3cret", "/app/x", "http://127.0.0.1/app/x"),
                Arguments.of("/app/" + "a".repeat(3000), null, "/app/" + "a".repeat(1019) + "..."));
    }

    /** What was sent, next to what it was normalized to: bounded, without the query, whatever the outcome. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rawTargets")
    void theRawTargetIsRecordedWithoutItsQuery(String target, String path, String recorded) {
        RawHttp.Response response = RawHttp.exchange(gateway.port(), "GET " + target + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n");
        JsonNode record = onlyRecordOf(response);
        assertThat(record.path("target").asText()).isEqualTo(recorded);
        if (path != null) {
            assertThat(record.path("path").asText()).isEqualTo(path);
        }
        assertThat(record.toString()).doesNotContain("s3cret");
    }

    @ParameterizedTest
    @MethodSource("headerValues")
    void hostHeadersStayData(String value) {
        RawHttp.Response response = RawHttp.exchange(gateway.port(), "GET /app/h HTTP/1.1\r\nHost: " + value
                + "\r\nConnection: close\r\n\r\n");
        JsonNode record = onlyRecordOf(response);
        if (response.status() == 400) {
            assertThat(record.path("reason").asText()).isEqualTo("bad-request");
        }
    }

    /** The request's one record; and the whole file still one JSON object a line, with no forged record. */
    private JsonNode onlyRecordOf(RawHttp.Response response) {
        String id = response.header("X-Request-Id");
        JsonNode record = gateway.audit(id); // waits for the writer
        List<JsonNode> mine = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(gateway.auditFile(), StandardCharsets.UTF_8)) {
                JsonNode json = JSON.readTree(line); // throws on a broken or forged line
                assertThat(json.isObject()).isTrue();
                assertThat(json.path("requestId").asText()).isNotEqualTo("forged");
                if (json.path("requestId").asText().equals(id)) {
                    mine.add(json);
                }
            }
        } catch (java.io.IOException e) {
            throw new AssertionError("the audit file is no longer one JSON object a line", e);
        }
        assertThat(mine).hasSize(1);
        return record;
    }
}
