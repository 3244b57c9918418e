package io.drawbridge.config;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.drawbridge.config.Fixtures.loadResource;
import static io.drawbridge.config.Fixtures.loadYaml;
import static io.drawbridge.config.Fixtures.problemsInResource;
import static io.drawbridge.config.Fixtures.problemsInYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

class ConfigLoaderTest {

    private static final Map<String, String> ENV = Map.of("BACKSTAGE_TOKEN", "backstage-token-value",
            "KAFKA_BROKERS", "kafka-1:9092");

    @Test
    void bindsEveryFieldOfTheFullExample() {
        GatewayConfig config = loadResource("valid-full.yaml", ENV);

        ServerConfig server = config.server();
        assertThat(server.host()).isEqualTo("127.0.0.1");
        assertThat(server.port()).isEqualTo(9443);
        assertThat(server.trustedProxies()).containsExactly("10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1");
        assertThat(server.limits()).isEqualTo(new ServerConfig.Limits(
                ByteSize.ofKib(4), ByteSize.ofKib(32), ByteSize.ofMib(200)));
        assertThat(server.timeouts()).isEqualTo(new ServerConfig.Timeouts(
                Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(90)));
        assertThat(config.upstreams()).isEqualTo(new UpstreamDefaults(
                Duration.ofMillis(500), Duration.ofSeconds(45), Duration.ofMinutes(2), 16));

        assertThat(config.issuers()).containsExactly(new IssuerConfig("keycloak",
                "http://localhost:8180/realms/drawbridge",
                "http://localhost:8180/realms/drawbridge/.well-known/openid-configuration",
                "http://localhost:8180/realms/drawbridge/protocol/openid-connect/certs",
                "keys/keycloak.jwks", List.of("drawbridge", "backstage"), List.of("RS256", "ES256"),
                Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofHours(1),
                new IssuerConfig.ClaimNames("preferred_username", "email", "realm_groups")));

        PolicyConfig sre = config.policies().get("sre-only");
        assertThat(sre.isPublic()).isFalse();
        assertThat(sre.mode()).isEqualTo("audit-only");
        assertThat(sre.allow()).containsExactly(new PolicyConfig.RuleConfig("sre",
                List.of("sre", "group:default/sre"), List.of("alice"), List.of("*@example.com"),
                Map.of("acr", List.of("mfa")), List.of("GET", "POST"), List.of("/api/**")));
        assertThat(sre.deny()).extracting(PolicyConfig.RuleConfig::paths).containsExactly(List.of("/admin/*"));
        assertThat(config.policies().get("open").isPublic()).isTrue();

        assertThat(config.identityHeaders()).isEqualTo(new IdentityHeadersConfig(
                "X-Auth-User", "X-Auth-Email", "X-Auth-Groups", null, List.of("X-Internal-*", "X-Debug-User")));
        assertThat(config.audit()).isEqualTo(new AuditConfig(null, "kafka:drawbridge-audit?brokers=kafka-1:9092"));
        assertThat(config.routes()).containsExactly("file:routes/*.yaml", "classpath:routes/dev.yaml");
        assertThat(config.properties()).containsOnly(
                Map.entry("backstage.url", "http://localhost:7007"),
                Map.entry("backstage.token", "backstage-token-value"),
                Map.entry("literal", "${NOT_A_VARIABLE}"),
                Map.entry("version", "1.10"));
        assertThat(config.source()).isNull();
    }

    @Test
    void anEmptyFileIsEveryDefault() {
        GatewayConfig config = loadResource("empty.yaml", Map.of());

        assertThat(config).isEqualTo(new GatewayConfig(null, null, null, null, null, null, null, null, null));
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.server().limits().maxRequestBody()).isEqualTo(ByteSize.ofMib(1024));
        assertThat(config.upstreams().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.audit().file()).isEqualTo(".drawbridge/audit.jsonl");
        assertThat(config.routes()).containsExactly("file:routes/*.yaml");
    }

    @Test
    void aFileWithNothingAtAllIsEveryDefault() {
        assertThat(loadYaml("", Map.of())).isEqualTo(loadResource("empty.yaml", Map.of()));
        assertThat(loadYaml("---\n", Map.of())).isEqualTo(loadResource("empty.yaml", Map.of()));
    }

    @Test
    void anEmptySectionTakesItsDefaults() {
        GatewayConfig config = loadYaml("server:\nupstreams: ~\npolicies:\n  closed:\n", Map.of());

        assertThat(config.server()).isEqualTo(ServerConfig.defaults());
        assertThat(config.upstreams()).isEqualTo(UpstreamDefaults.defaults());
        assertThat(config.policies().get("closed")).isEqualTo(new PolicyConfig(null, null, null, null));
    }

    @Test
    void reportsEveryUnknownFieldWithTheValidNamesAndAGuess() {
        List<ConfigProblem> problems = problemsInResource("invalid-unknown-fields.yaml", Map.of());

        assertThat(problems).extracting(ConfigProblem::file, ConfigProblem::line, ConfigProblem::field).containsExactly(
                tuple("invalid-unknown-fields.yaml", 3, "server.prot"),
                tuple("invalid-unknown-fields.yaml", 5, "server.limits.maxBody"),
                tuple("invalid-unknown-fields.yaml", 6, "issuer"),
                tuple("invalid-unknown-fields.yaml", 11, "issuers[0].audiance"));
        assertThat(problems.get(0).message())
                .isEqualTo("unknown field 'prot'; did you mean 'port'? Valid fields here: host, port, trustedProxies,"
                        + " limits, tls, timeouts");
        assertThat(problems.get(1).message()).doesNotContain("did you mean")
                .endsWith("Valid fields here: maxInitialLine, maxHeaderSize, maxRequestBody");
        assertThat(problems.get(2).message()).startsWith("unknown section 'issuer'; did you mean 'issuers'?")
                .contains("Valid sections: server, upstreams, issuers, policies, identityHeaders, audit, routes,"
                        + " properties");
        assertThat(problems.get(3).message()).contains("did you mean 'audiences'?");
    }

    @Test
    void sourceIsNotAFieldOfTheFile() {
        List<ConfigProblem> problems = problemsInYaml("source: /etc/passwd\n", Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field).containsExactly(tuple(1, "source"));
    }

    @Test
    void reportsEveryValueOfTheWrongType() {
        List<ConfigProblem> problems = problemsInResource("invalid-types.yaml", Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field, ConfigProblem::message)
                .containsExactly(
                        tuple(3, "server.port", "'abc' is not a whole number"),
                        tuple(4, "server.host", "expected text, found a mapping"),
                        tuple(6, "server.trustedProxies", "expected a list, found text"),
                        tuple(8, "server.limits.maxHeaderSize", "'lots' is not a size (8192, 64k, 16KiB, 200m, 1g)"),
                        tuple(10, "upstreams.connectTimeout",
                                "'2' is not a duration (500ms, 2s, 5m, 1h, 1d or ISO-8601 such as PT2S)"),
                        tuple(11, "upstreams.responseTimeout",
                                "'3 weeks' is not a duration (500ms, 2s, 5m, 1h, 1d or ISO-8601 such as PT2S)"),
                        tuple(16, "issuers[0].clockSkew",
                                "'soon' is not a duration (500ms, 2s, 5m, 1h, 1d or ISO-8601 such as PT2S)"),
                        tuple(19, "policies.open.public", "'yes' is not true or false"));
    }

    @Test
    void aRecordWhereTextIsWrittenNamesItsFields() {
        List<ConfigProblem> problems = problemsInYaml("server:\n  limits: 64k\n", Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field, ConfigProblem::message)
                .containsExactly(tuple(2, "server.limits",
                        "expected a mapping with fields maxInitialLine, maxHeaderSize, maxRequestBody, found text"));
    }

    @Test
    void reportsEmptyListEntriesAndMapValuesWithoutOne() {
        List<ConfigProblem> problems = problemsInYaml(
                "routes:\n  - file:a.yaml\n  -\nproperties:\n  name:\n", Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field).containsExactly(
                tuple(3, "routes[1]"), tuple(5, "properties.name"));
    }

    @Test
    void reportsEveryDuplicateKeyAtTheSecondOccurrence() {
        List<ConfigProblem> problems = problemsInResource("invalid-duplicate-keys.yaml", Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field, ConfigProblem::message)
                .containsExactly(
                        tuple(5, "server.port", "duplicate key; 'port' is already set at line 3"),
                        tuple(8, "audit", "duplicate key; 'audit' is already set at line 6"));
    }

    @Test
    void aSyntaxErrorIsOneProblemWithLineAndColumn() {
        List<ConfigProblem> problems = problemsInResource("invalid-syntax.yaml", Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field, ConfigProblem::message)
                .containsExactly(tuple(4, "(file)",
                        "YAML syntax error at column 18: mapping values are not allowed here"));
    }

    @Test
    void aFileThatIsNotAMappingSaysWhatItFound() {
        List<ConfigProblem> problems = problemsInResource("invalid-not-a-mapping.yaml", Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field, ConfigProblem::message)
                .containsExactly(tuple(2, "(file)",
                        "expected a mapping of sections (server:, issuers:, policies:, ...), found a list"));
    }

    @Test
    void refusesASecondDocumentAndAliases() {
        List<ConfigProblem> problems = problemsInYaml(
                "server:\n  host: &h 127.0.0.1\nproperties:\n  host: *h\n---\nserver: {}\n", Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field).containsExactly(
                tuple(4, "properties.host"), tuple(6, "(file)"));
        assertThat(problems.get(0).message()).contains("aliases (*h) are not supported");
    }

    @Test
    void reportsEveryProblemOfTheBuiltInChecks() {
        List<ConfigProblem> problems = problemsInResource("invalid-semantics.yaml", Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field).containsExactly(
                tuple(3, "server.host"),
                tuple(4, "server.port"),
                tuple(7, "server.trustedProxies[1]"),
                tuple(8, "server.trustedProxies[2]"),
                tuple(9, "server.trustedProxies[3]"),
                tuple(11, "server.limits.maxRequestBody"),
                tuple(13, "upstreams.connectTimeout"),
                tuple(14, "upstreams.responseTimeout"),
                tuple(16, "identityHeaders.user"),
                tuple(18, "identityHeaders.groups"),
                tuple(20, "identityHeaders.strip[0]"),
                tuple(21, "identityHeaders.strip[1]"),
                tuple(22, "audit"),
                tuple(24, "audit.endpoint"),
                tuple(27, "routes[1]"),
                tuple(28, "routes[2]"),
                tuple(30, "properties."));
        assertThat(problems.get(9).message()).isEqualTo(
                "is the same header as identityHeaders.email (case and _ versus - do not matter)");
    }

    @Test
    void bindingProblemsInOneSectionDoNotHideChecksOfAnother() {
        List<ConfigProblem> problems = problemsInYaml(
                "server:\n  port: abc\naudit:\n  endpoint: nonsense\nroutes: [routes/x.yaml]\n", Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field).containsExactly(
                tuple(2, "server.port"), tuple(4, "audit.endpoint"), tuple(5, "routes[0]"));
    }

    @Test
    void aMissingFileIsOneClearProblem(@TempDir Path dir) {
        Path missing = dir.resolve("drawbridge.yaml");

        InvalidConfiguration e = catchThrowableOfType(InvalidConfiguration.class,
                () -> new ConfigLoader().load(missing));

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(missing.toString());
            assertThat(p.line()).isZero();
            assertThat(p.message()).startsWith("no such file (working directory: ");
        });
    }

    @Test
    void aDirectoryIsNotAConfigurationFile(@TempDir Path dir) {
        InvalidConfiguration e = catchThrowableOfType(InvalidConfiguration.class, () -> new ConfigLoader().load(dir));

        assertThat(e.problems()).extracting(ConfigProblem::message)
                .containsExactly("is a directory, not a configuration file");
    }

    @Test
    void loadingAPathNamesItInProblemsAndRecordsItAsTheSource(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("drawbridge.yaml"), "server:\n  port: 8090\n");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "# bad\nserver:\n  port: -1\n");

        assertThat(new ConfigLoader().load(file).source()).isEqualTo(file);
        InvalidConfiguration e = catchThrowableOfType(InvalidConfiguration.class, () -> new ConfigLoader().load(bad));
        assertThat(e.problems()).extracting(ConfigProblem::file, ConfigProblem::line, ConfigProblem::field)
                .containsExactly(tuple(bad.toString(), 3, "server.port"));
    }

    @Test
    void loadsTheFixturesFromDiskAsFromTheClasspath() throws URISyntaxException {
        Path file = Path.of(getClass().getResource("/config/empty.yaml").toURI());

        assertThat(new ConfigLoader().load(file)).isEqualTo(loadResource("empty.yaml", Map.of()).withSource(file));
    }

    @Test
    void printsEachProblemAsFileLineFieldMessage() {
        InvalidConfiguration e = catchThrowableOfType(InvalidConfiguration.class,
                () -> loadYaml("server:\n  port: -1\n  host: ''\n", Map.of()));

        assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(
                "drawbridge.yaml:2: server.port: must be between 1 and 65535 (or 0 for any free port)",
                "drawbridge.yaml:3: server.host: must not be empty (0.0.0.0 listens on every interface)");
        assertThat(e.getMessage()).isEqualTo("2 configuration problem(s):\n"
                + "  drawbridge.yaml:2: server.port: must be between 1 and 65535 (or 0 for any free port)\n"
                + "  drawbridge.yaml:3: server.host: must not be empty (0.0.0.0 listens on every interface)");
        assertThat(new ConfigProblem("drawbridge.yaml", 0, "issuers", "at least one issuer is required"))
                .hasToString("drawbridge.yaml: issuers: at least one issuer is required");
    }
}
