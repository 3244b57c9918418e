package io.drawbridge.config;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.drawbridge.config.Fixtures.loadYaml;
import static io.drawbridge.config.Fixtures.problemsInYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The rows each built-in check accepts and refuses; the fixture files cover where the problems land. */
class BuiltInChecksTest {

    private static List<String> fieldsWithProblems(String yaml) {
        return problemsInYaml(yaml, Map.of()).stream().map(ConfigProblem::field).toList();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"10.0.0.1", "0.0.0.0/0", "192.168.1.0/24", "255.255.255.255/32", "::1", "::", "::/0",
            "fd00::/8", "2001:db8::8a2e:370:7334", "2001:0db8:0000:0000:0000:ff00:0042:8329/128",
            "::ffff:192.0.2.128", "fe80::1:2:3:4:5:6", "1:2:3:4:5:6:7::"})
    void acceptsAnAddressOrRangeAsTrustedProxy(String proxy) {
        assertThat(ServerCheck.isAddressOrRange(proxy)).isTrue();
        assertThat(loadYaml("server:\n  trustedProxies: ['" + proxy + "']\n", Map.of()).server().trustedProxies())
                .containsExactly(proxy);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "localhost", "proxy.example.com", "10.0.0", "10.0.0.256", "010.0.0.1", "10.0.0.1/33",
            "10.0.0.1/", "10.0.0.1/-1", "/8", " 10.0.0.1", "1::2::3", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7::8", "12345::",
            "fd00::/129", "::ffff:300.0.0.1", "fe80::1%eth0", "[::1]", "g::1"})
    void refusesAnythingElseAsTrustedProxy(String proxy) {
        assertThat(ServerCheck.isAddressOrRange(proxy)).isFalse();
        assertThat(fieldsWithProblems("server:\n  trustedProxies: ['" + proxy + "']\n"))
                .containsExactly("server.trustedProxies[0]");
    }

    @ParameterizedTest(name = "port {0}")
    @ValueSource(strings = {"-1", "65536", "70000"})
    void refusesAPortOutOfRange(String port) {
        assertThat(fieldsWithProblems("server:\n  port: " + port + "\n")).containsExactly("server.port");
    }

    @Test
    void acceptsTheExtremePorts() {
        assertThat(loadYaml("server:\n  port: 1\n", Map.of()).server().port()).isEqualTo(1);
        assertThat(loadYaml("server:\n  port: 0\n", Map.of()).server().port()).isZero(); // any free port
        assertThat(loadYaml("server:\n  port: 65535\n", Map.of()).server().port()).isEqualTo(65535);
    }

    @Test
    void refusesEmptyLimitsAndNonPositiveTimeouts() {
        assertThat(fieldsWithProblems("""
                server:
                  limits: {maxInitialLine: 0, maxHeaderSize: 0k, maxRequestBody: 0}
                  timeouts: {header: 0s, bodyIdle: -PT1S, keepAlive: 0ms}
                upstreams: {connectTimeout: 0ms, responseTimeout: PT0S, idleTimeout: -PT1S, maxIdlePerHost: -1}
                """)).containsExactly("server.limits.maxInitialLine", "server.limits.maxHeaderSize",
                "server.limits.maxRequestBody", "server.timeouts.header", "server.timeouts.bodyIdle",
                "server.timeouts.keepAlive", "upstreams.connectTimeout", "upstreams.responseTimeout",
                "upstreams.idleTimeout", "upstreams.maxIdlePerHost");
    }

    @Test
    void acceptsNoIdlePooling() {
        assertThat(loadYaml("upstreams:\n  maxIdlePerHost: 0\n", Map.of()).upstreams().maxIdlePerHost()).isZero();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"X-Forwarded-User", "x_remote_user", "OIDC_CLAIM_sub", "A!#$%&'+-.^_`|~9"})
    void acceptsTokenCharactersInAHeaderName(String name) {
        assertThat(loadYaml("identityHeaders:\n  user: \"" + name + "\"\n", Map.of()).identityHeaders().user())
                .isEqualTo(name);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "X User", "X-User:", "X-User*", "*", "X(User)", "X-Üser", "X/User"})
    void refusesAnythingElseAsAHeaderName(String name) {
        assertThat(fieldsWithProblems("identityHeaders:\n  user: \"" + name + "\"\n"))
                .containsExactly("identityHeaders.user");
    }

    @Test
    void stripAcceptsNamesAndPrefixesEndingInAStar() {
        assertThat(loadYaml("identityHeaders:\n  strip: [X-Internal-*, X-Debug, OIDC_*]\n", Map.of())
                .identityHeaders().strip()).containsExactly("X-Internal-*", "X-Debug", "OIDC_*");
    }

    @Test
    void stripRefusesAStarAnywhereButAtTheEndOfAPrefix() {
        assertThat(fieldsWithProblems("identityHeaders:\n  strip: ['*', '*-User', 'X-*-User', 'X-User**', '']\n"))
                .containsExactly("identityHeaders.strip[0]", "identityHeaders.strip[1]", "identityHeaders.strip[2]",
                        "identityHeaders.strip[3]", "identityHeaders.strip[4]");
    }

    @Test
    void theThreeIdentityHeadersMustDifferAsTheGatewayComparesThem() {
        List<ConfigProblem> problems = problemsInYaml(
                "identityHeaders:\n  user: X-Id\n  email: x_id\n  groups: X-ID\n", Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field).containsExactly(
                tuple(3, "identityHeaders.email"), tuple(4, "identityHeaders.groups"));
    }

    @Test
    void auditTakesAFileOrACamelEndpoint() {
        assertThat(loadYaml("audit:\n  file: /var/log/audit.jsonl\n", Map.of()).audit())
                .isEqualTo(new AuditConfig("/var/log/audit.jsonl", null));
        assertThat(loadYaml("audit:\n  endpoint: log:audit\n", Map.of()).audit())
                .isEqualTo(new AuditConfig(null, "log:audit"));
        assertThat(loadYaml("audit:\n  endpoint: log:audit\n  instance: gw-1\n  maxBacklog: 1000\n", Map.of())
                .audit()).isEqualTo(new AuditConfig(null, "log:audit", "gw-1", 1000, null));
        assertThat(AuditConfig.defaults().maxBacklog()).isEqualTo(AuditConfig.DEFAULT_MAX_BACKLOG);
    }

    @Test
    void auditRefusesBothABlankFileAndAnEndpointThatIsNoUri() {
        assertThat(fieldsWithProblems("audit:\n  file: a.jsonl\n  endpoint: log:x\n")).containsExactly("audit");
        assertThat(fieldsWithProblems("audit:\n  file: ' '\n")).containsExactly("audit.file");
        assertThat(fieldsWithProblems("audit:\n  endpoint: kafka\n")).containsExactly("audit.endpoint");
        assertThat(fieldsWithProblems("audit:\n  endpoint: ':x'\n")).containsExactly("audit.endpoint");
        assertThat(fieldsWithProblems("audit:\n  instance: ''\n")).containsExactly("audit.instance");
        assertThat(fieldsWithProblems("audit:\n  maxBacklog: 0\n")).containsExactly("audit.maxBacklog");
        assertThat(fieldsWithProblems("audit:\n  endpoint: 'kafka:'\n")).containsExactly("audit.endpoint");
    }

    @Test
    void routesNeedAFileOrClasspathLocation() {
        assertThat(loadYaml("routes: [file:routes/*.yaml, classpath:dev.yaml]\n", Map.of()).routes()).hasSize(2);
        assertThat(loadYaml("routes: []\n", Map.of()).routes()).isEmpty();
        assertThat(fieldsWithProblems("routes: ['file:', 'classpath:', routes/*.yaml, ' ', 'http://x/r.yaml', ' file:x']\n"))
                .containsExactly("routes[0]", "routes[1]", "routes[2]", "routes[3]", "routes[4]", "routes[5]");
    }

    @Test
    void propertyNamesMustNotBeEmpty() {
        List<ConfigProblem> problems = problemsInYaml("properties:\n  ok: 1\n  ' ': 2\n", Map.of());

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field)
                .containsExactly(tuple(3, "properties. "));
    }
}
