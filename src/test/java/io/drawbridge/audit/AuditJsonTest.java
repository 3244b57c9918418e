package io.drawbridge.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.Outcome;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.drawbridge.audit.AuditFixtures.record;
import static io.drawbridge.audit.AuditFixtures.withClientValue;
import static io.drawbridge.audit.AuditFixtures.withoutOptionals;
import static org.assertj.core.api.Assertions.assertThat;

/** One JSON object a line, whatever the client put in the strings; read back with Jackson to compare. */
class AuditJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesEveryField() throws Exception {
        JsonNode json = JSON.readTree(AuditJson.toJson(record("req-7")));

        assertThat(fieldNames(json)).containsExactly("time", "requestId", "decision", "reason", "detail", "subject",
                "email", "issuer", "clientId", "groups", "route", "policy", "method", "path", "host", "status", "clientIp",
                "upstream", "durationMs", "bytesIn", "bytesOut", "userAgent", "catalog");
        assertThat(json.get("time").textValue()).isEqualTo("2025-03-04T05:06:07.123456789Z");
        assertThat(json.get("requestId").textValue()).isEqualTo("req-7");
        assertThat(json.get("decision").textValue()).isEqualTo("deny");
        assertThat(json.get("reason").textValue()).isEqualTo("group-missing");
        assertThat(json.get("detail").textValue()).isEqualTo("allow[0]: needs group admins");
        assertThat(json.get("subject").textValue()).isEqualTo("alice");
        assertThat(json.get("email").isNull()).as("no e-mail: null, written").isTrue();
        assertThat(json.get("issuer").textValue()).isEqualTo("corp");
        assertThat(json.get("clientId").textValue()).isEqualTo("grafana-ui");
        assertThat(texts(json.get("groups"))).containsExactly("eng", "ops");
        assertThat(json.get("route").textValue()).isEqualTo("grafana");
        assertThat(json.get("policy").textValue()).isEqualTo("grafana-policy");
        assertThat(json.get("method").textValue()).isEqualTo("GET");
        assertThat(json.get("path").textValue()).isEqualTo("/api/dashboards");
        assertThat(json.get("host").textValue()).isEqualTo("grafana.example.com");
        assertThat(json.get("status").intValue()).isEqualTo(403);
        assertThat(json.get("clientIp").textValue()).isEqualTo("203.0.113.7");
        assertThat(json.get("upstream").textValue()).isEqualTo("http://grafana:3000");
        assertThat(json.get("durationMs").longValue()).isEqualTo(12);
        assertThat(json.get("bytesIn").longValue()).isEqualTo(34);
        assertThat(json.get("bytesOut").longValue()).isEqualTo(56);
        assertThat(json.get("userAgent").textValue()).isEqualTo("curl/8.5.0");
    }

    @Test
    void writesTheEmailNextToTheSubject() throws Exception {
        String line = AuditJson.toJson(AuditFixtures.withEmail("req-8", "alice@example.com"));

        assertThat(line).contains("\"subject\":\"alice\",\"email\":\"alice@example.com\",\"issuer\":");
        assertThat(JSON.readTree(line).get("email").textValue()).isEqualTo("alice@example.com");
    }

    @Test
    void writesLargeCountersAsNumbers() throws Exception {
        var big = new AuditRecord(AuditFixtures.TIME, "r", Outcome.ALLOW, "rule-matched", null, "a", null, null, List.of(),
                "r", null, "PUT", "/upload", "h", 201, "ip", "http://u:80", Long.MAX_VALUE, 5_000_000_000L,
                Long.MAX_VALUE, null, null);

        JsonNode json = JSON.readTree(AuditJson.toJson(big));

        assertThat(json.get("durationMs").longValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(json.get("bytesIn").longValue()).isEqualTo(5_000_000_000L);
    }

    static Stream<Named<String>> hostileValues() {
        return Stream.of(
                Named.of("CR and LF", "a\r\nb\rc\nd"),
                Named.of("a forged second record", "x\n{\"decision\":\"allow\",\"requestId\":\"forged\"}"),
                Named.of("quotes", "say \"hi\""),
                Named.of("backslashes", "C:\\temp\\ \\\" \\u0022"),
                Named.of("a JSON-injection attempt", "\"},{\"decision\":\"allow"),
                Named.of("an injection closing the object", "\",\"decision\":\"allow\"}\n{\"x\":\""),
                Named.of("control characters", "\u0000\u0001\u0008\t\u000b\u000c\u001b[31m\u007f"),
                Named.of("unicode", "Grüße, 日本語, emoji \uD83D\uDE00, RTL \u202Eabc"),
                Named.of("a line separator", "a\u2028b\u2029c\u0085d"),
                Named.of("a lone surrogate", "a\uD800b"),
                Named.of("an empty string", ""),
                Named.of("100 KB", "x\"\n\\".repeat(25 * 1024)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileValues")
    void clientValuesStayInOneLineAndOneField(String value) throws Exception {
        var out = new ByteArrayOutputStream();

        AuditJson.write(withClientValue(value), out);

        byte[] bytes = out.toByteArray();
        assertThat(count(bytes, (byte) '\n')).isEqualTo(1);
        assertThat(bytes[bytes.length - 1]).isEqualTo((byte) '\n');
        assertThat(count(bytes, (byte) '\r')).isZero();
        JsonNode json = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        assertThat(json.size()).isEqualTo(22);
        assertThat(json.get("decision").textValue()).isEqualTo("deny");
        assertThat(json.get("requestId").textValue()).isEqualTo("req-1");
        for (String field : List.of("detail", "subject", "email", "clientId", "method", "path", "host", "clientIp",
                "userAgent")) {
            assertThat(json.get(field).textValue()).as(field).isEqualTo(value);
        }
        assertThat(texts(json.get("groups"))).containsExactly(value, "eng");
    }

    @Test
    void omitsNullOptionalFields() throws Exception {
        JsonNode json = JSON.readTree(AuditJson.toJson(withoutOptionals()));

        assertThat(fieldNames(json)).doesNotContain("detail", "issuer", "clientId", "policy", "userAgent");
        assertThat(json.get("groups").isArray()).isTrue();
        assertThat(json.get("groups").size()).isZero();
        assertThat(json.get("status").intValue()).isEqualTo(404);
    }

    @Test
    void alwaysWritesTheRequiredFieldsEvenWhenTheyAreNull() throws Exception {
        JsonNode json = JSON.readTree(AuditJson.toJson(withoutOptionals()));

        // subject, e-mail, route and upstream are part of every record (the required set): null, never missing.
        assertThat(fieldNames(json)).contains("subject", "email", "route", "upstream");
        assertThat(json.get("subject").isNull()).isTrue();
        assertThat(json.get("email").isNull()).as("no e-mail, not a record from before e-mails were kept").isTrue();
        assertThat(json.get("route").isNull()).isTrue();
        assertThat(json.get("upstream").isNull()).isTrue();
    }

    @Test
    void writeAppendsOneLinePerRecord() {
        var out = new ByteArrayOutputStream();

        AuditJson.write(record("first"), out);
        AuditJson.write(record("second"), out);

        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).contains("\"requestId\":\"first\"");
        assertThat(lines[1]).contains("\"requestId\":\"second\"");
        assertThat(lines[2]).isEmpty();
    }

    @Test
    void toJsonIsTheLineWithoutItsNewline() {
        var out = new ByteArrayOutputStream();
        AuditJson.write(record("r"), out);

        assertThat(AuditJson.toJson(record("r")) + "\n").isEqualTo(out.toString(StandardCharsets.UTF_8));
    }

    private static int count(byte[] bytes, byte b) {
        int n = 0;
        for (byte x : bytes) {
            if (x == b) {
                n++;
            }
        }
        return n;
    }

    private static List<String> fieldNames(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.textValue()));
        return values;
    }
}
