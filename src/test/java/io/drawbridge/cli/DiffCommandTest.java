package io.drawbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.Outcome;
import io.drawbridge.audit.AuditJson;
import io.drawbridge.audit.AuditRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code drawbridge diff} on a generated audit log (records written by the gateway's own serializer) where a
 * policy change flips known requests both ways.
 */
class DiffCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROUTE = """
            - route:
                id: %s
                from:
                  uri: gateway:%s
                  steps:
                    - to: drawbridge:authenticate
                    - to: drawbridge:authorize?policy=%s
                    - to: drawbridge:proxy?upstream=http://127.0.0.1:9
            """;

    @TempDir
    Path dir;
    private Path audit;

    @BeforeEach
    void writeRoutesAndAudit() throws IOException {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("app.yaml"), ROUTE.formatted("app", "/app", "app"));
        Files.writeString(routes.resolve("wiki.yaml"), ROUTE.formatted("wiki", "/wiki", "wiki"));
        Instant now = Instant.now();
        List<AuditRecord> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // alice (sre) is allowed on app, bob (sales) denied
            records.add(record(now, "alice-app-" + i, "allow", "rule-matched", "alice", List.of("sre"), "app",
                    "GET", "/app/x"));
            records.add(record(now, "bob-app-" + i, "deny", "group-missing", "bob", List.of("sales"), "app",
                    "GET", "/app/x"));
        }
        records.add(record(now, "carol-wiki", "allow", "rule-matched", "carol", List.of("sales"), "wiki", "POST",
                "/wiki/page"));
        records.add(record(now, "keys", "allow", "public-route", null, List.of(), "drawbridge-keys", "GET",
                "/.well-known/drawbridge/jwks.json")); // the gateway's own route: no route file has it
        records.add(record(now.minus(Duration.ofDays(30)), "old-bob", "deny", "group-missing", "bob",
                List.of("sales"), "app", "GET", "/app/x"));
        records.add(new AuditRecord(now, "anonymous", Outcome.DENY, "token-missing", null, null, null, null, List.of(),
                "app", null, "GET", "/app/x", "gw.example.com", 401, "127.0.0.1", null, 1, 0, 0, "test", null,
                null)); // refused before its policy: nothing to replay
        var out = new ByteArrayOutputStream();
        records.forEach(r -> AuditJson.write(r, out));
        audit = Files.write(dir.resolve("audit.jsonl"), out.toByteArray());
    }

    /** A record of {@code subject}, whose e-mail is {@code subject@example.com} (carol has none). */
    private static AuditRecord record(Instant time, String id, String decision, String reason, String subject,
                                      List<String> groups, String route, String method, String path) {
        String email = subject == null || subject.equals("carol") ? null : subject + "@example.com";
        return new AuditRecord(time, id, Outcome.valueOf(decision.toUpperCase(Locale.ROOT)), reason, null, subject, subject == null ? null : "corp", null,
                groups, route, route, method, path, "gw.example.com", decision.equals("allow") ? 200 : 403,
                "127.0.0.1", null, 1, 0, 0, "test", null, null, null, null, email);
    }

    private Path config(String app, String wiki) throws IOException {
        return Files.writeString(dir.resolve("new.yaml"), """
                issuers:
                  - name: corp
                    issuer: https://login.example.com
                    jwksUri: https://login.example.com/jwks
                    audiences: [drawbridge]
                policies:
                  app:
                %s
                  wiki:
                %s
                routes:
                  - file:%s/routes/*.yaml
                """.formatted(app.indent(4).stripTrailing(), wiki.indent(4).stripTrailing(), dir));
    }

    private CheckCommandTest.Result diff(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = DiffCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.<String, String>of()::get);
        return new CheckCommandTest.Result(status, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theSameConfigurationChangesNothing() throws IOException {
        Path same = config("allow:\n  - groups: [sre]", "allow:\n  - groups: [sales]");

        var result = diff("--config", same.toString(), "--audit", audit.toString());

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).contains("deny->allow: 0 request(s)", "allow->deny: 0 request(s)",
                "replayed 8 of 10 record(s); 2 reached no policy");
    }

    @Test
    void aPolicyChangeIsListedBothWaysByRouteAndSubjectWithAnExample() throws IOException {
        // app now also admits bob; wiki is now only for reading, so carol's POST would be refused
        Path changed = config("allow:\n  - groups: [sre]\n  - users: [bob]",
                "allow:\n  - groups: [sales]\n    methods: [GET]");

        var result = diff("--config", changed.toString(), "--audit", audit.toString(), "--since", "7d");

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out()).contains("deny->allow: 3 request(s)",
                "  route app, subject bob: 3 (e.g. request bob-app-0)",
                "allow->deny: 1 request(s)", "  route wiki, subject carol: 1 (e.g. request carol-wiki)",
                "replayed 7 of 10");
    }

    @Test
    void jsonForMachines() throws IOException {
        Path changed = config("allow:\n  - users: [bob]", "allow:\n  - groups: [sales]");

        var result = diff("--config", changed.toString(), "--audit", audit.toString(), "--json");
        JsonNode json = JSON.readTree(result.out());

        assertThat(result.status()).isEqualTo(1);
        assertThat(json.path("changed").asLong()).isEqualTo(7); // alice x3 allow->deny, bob x4 deny->allow
        assertThat(json.path("changes").toString()).contains("\"direction\":\"allow->deny\",\"route\":\"app\","
                + "\"subject\":\"alice\",\"count\":3");
    }

    @Test
    void emailRulesAreReplayedWithTheRecordedEmail() throws IOException {
        // app now also admits bob by e-mail; wiki admits only e-mails at example.com, and carol's record has none
        Path changed = config("allow:\n  - groups: [sre]\n  - emails: [BOB@example.com]",
                "allow:\n  - emails: [\"*@example.com\"]");

        var result = diff("--config", changed.toString(), "--audit", audit.toString(), "--since", "7d");

        assertThat(result.status()).as(result.err()).isEqualTo(1);
        assertThat(result.out()).contains("deny->allow: 3 request(s)",
                "  route app, subject bob: 3 (e.g. request bob-app-0)",
                "allow->deny: 1 request(s)", "  route wiki, subject carol: 1 (e.g. request carol-wiki)",
                "replayed 7 of 10").doesNotContain("not replayable");
    }

    @Test
    void anEmailThatIsNotListedStaysDenied() throws IOException {
        Path same = config("allow:\n  - groups: [sre]\n  - emails: [\"*@bob.example.com\"]",
                "allow:\n  - groups: [sales]");

        var result = diff("--config", same.toString(), "--audit", audit.toString());

        assertThat(result.status()).as(result.out()).isZero();
        assertThat(result.out()).contains("replayed 8 of 10").doesNotContain("not replayable");
    }

    @Test
    void recordsWrittenBeforeTheEmailWasKeptAreNotGuessed() throws IOException {
        String older = Files.readString(audit).replaceAll("\"email\":(null|\"[^\"]*\"),", "");
        assertThat(older).doesNotContain("\"email\"");
        Files.writeString(audit, older);
        Path changed = config("allow:\n  - emails: [bob@example.com]", "allow:\n  - groups: [sales]");

        var result = diff("--config", changed.toString(), "--audit", audit.toString());

        assertThat(result.status()).isZero();
        assertThat(result.out()).contains("not replayable: 7", "7: policy app has rules on e-mail, which records"
                + " written before the e-mail was audited do not keep");
    }

    @Test
    void rulesOnClaimsAndScopesAreNotGuessed() throws IOException {
        Path changed = config("allow:\n  - emails: [bob@example.com]\n  - claims: {department: [sales]}",
                "allow:\n  - scopes: [wiki:write]");

        var result = diff("--config", changed.toString(), "--audit", audit.toString());

        assertThat(result.status()).isZero();
        assertThat(result.out()).contains("not replayable: 8",
                "7: policy app has rules on claims or scopes, which audit records do not keep",
                "1: policy wiki has rules on claims or scopes, which audit records do not keep");
    }

    @Test
    void aRemovedRouteDeniesWhatItAllowed() throws IOException {
        Files.delete(dir.resolve("routes/wiki.yaml"));
        Path changed = config("allow:\n  - groups: [sre]", "allow:\n  - groups: [sales]");

        var result = diff("--config", changed.toString(), "--audit", audit.toString());

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out()).contains("  route wiki, subject carol: 1 (e.g. request carol-wiki)");
    }
}
