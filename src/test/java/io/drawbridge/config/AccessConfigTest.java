package io.drawbridge.config;

import io.drawbridge.policy.Policies;
import io.drawbridge.policy.PolicyCheck;
import io.drawbridge.policy.Requestable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static io.drawbridge.config.Fixtures.loadYaml;
import static io.drawbridge.config.Fixtures.problemsInYaml;
import static org.assertj.core.api.Assertions.assertThat;

/** The access section and policies' request sections: defaults, and each bad value under its file line and field. */
class AccessConfigTest {

    private static final String REQUESTABLE = """
            catalog:
              files: src/test/resources/catalog/*.yaml
            policies:
              grafana:
                allow: [{groups: [group:default/sre], methods: [GET], paths: [/d/**]}]
                request:
                  approvers: [owners, group:default/Platform]
                  maxDuration: 8h
                  defaultDuration: 1h
                  reason: optional
            """;

    @Test
    void takesTheDefaultsWithoutAnAccessSection() {
        GatewayConfig config = loadYaml(REQUESTABLE, Map.of(), new PolicyCheck());

        assertThat(config.access()).isNull();
        assertThat(config.takesAccessRequests()).isTrue();
        AccessConfig access = config.accessOrDefaults();
        assertThat(access.store().url()).isEqualTo("jdbc:h2:file:./.drawbridge/access");
        assertThat(access.requestExpiry()).isEqualTo(Duration.ofHours(24));
        assertThat(access.maxOpenPerUser()).isEqualTo(5);
        assertThat(access.refresh()).isEqualTo(Duration.ofSeconds(1));
        assertThat(access.maxStaleness()).isEqualTo(Duration.ofSeconds(30));
        assertThat(access.notifyUris()).isEmpty();
    }

    @Test
    void compilesTheRequestSectionWithApproversInLowerCase() {
        GatewayConfig config = loadYaml(REQUESTABLE, Map.of(), new PolicyCheck());
        Requestable request = Policies.compile(config.policies(), (f, m) -> { }).get("grafana").requestable();

        assertThat(request.approvers()).containsExactly("owners", "group:default/platform");
        assertThat(request.maxDuration()).isEqualTo(Duration.ofHours(8));
        assertThat(request.defaultDuration()).isEqualTo(Duration.ofHours(1));
        assertThat(request.reasonRequired()).isFalse();
        assertThat(request.scope()).containsExactly("allow[0]: method in [GET], path in [/d/**]");
    }

    @Test
    void readsTheStorePasswordFromTheEnvironmentOnly() {
        GatewayConfig config = loadYaml("""
                access:
                  store: {url: "jdbc:postgresql://db/drawbridge", username: gw, password: "${DB_PASSWORD}"}
                  notify: ["https://hooks.example.com/x"]
                """, Map.of("DB_PASSWORD", "s3cret"));

        assertThat(config.accessOrDefaults().store().password()).isEqualTo("s3cret");
        assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("hooks.example.com");
    }

    @Test
    void reportsEveryBadValueOnItsLine() {
        List<ConfigProblem> problems = problemsInYaml("""
                access:
                  store:
                    url: jdbc:mysql://db/x
                    password: plain-text
                  notify: ["not a uri"]
                  requestExpiry: 0s
                  maxOpenPerUser: 0
                  refresh: 10s
                policies:
                  p:
                    allow: [{users: [alice]}]
                    request:
                      approvers: [owners, team-x]
                      maxDuration: 1h
                      defaultDuration: 2h
                      reason: maybe
                      catalog: Component:x
                  q:
                    public: true
                    request: {approvers: [user:default/alice]}
                """, Map.of(), new PolicyCheck());

        assertThat(problems).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "drawbridge.yaml:4: access.store.password: is a secret: give it as an environment placeholder such"
                        + " as ${DRAWBRIDGE_ACCESS_DB_PASSWORD}, never as a literal",
                "drawbridge.yaml:3: access.store.url: must be a jdbc:h2: or jdbc:postgresql: URL",
                "drawbridge.yaml:5: access.notify[0]: must be a Camel endpoint URI, scheme:..., such as"
                        + " https://hooks.example.com/drawbridge",
                "drawbridge.yaml:6: access.requestExpiry: must be longer than zero",
                "drawbridge.yaml:7: access.maxOpenPerUser: must be at least 1",
                "drawbridge.yaml:8: access.refresh: must be at most 5s: a revoked grant must stop admitting within 5s",
                "drawbridge.yaml:13: policies.p.request.approvers: owners are read from the catalog, and there is no"
                        + " catalog section; name groups or users instead",
                "drawbridge.yaml:13: policies.p.request.approvers[1]: 'team-x' is not owners,"
                        + " group:<namespace>/<name> or user:<namespace>/<name>",
                "drawbridge.yaml:15: policies.p.request.defaultDuration: is longer than maxDuration (PT1H)",
                "drawbridge.yaml:16: policies.p.request.reason: must be required or optional, not 'maybe'",
                "drawbridge.yaml:17: policies.p.request.catalog: 'Component:x' is not an entity ref such as"
                        + " component:default/grafana (lower case)",
                "drawbridge.yaml:20: policies.q.request: a public policy lets everyone in already; remove request");
    }
}
