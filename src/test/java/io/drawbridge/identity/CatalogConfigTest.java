package io.drawbridge.identity;

import io.drawbridge.config.CatalogCheck;
import io.drawbridge.config.CatalogConfig;
import io.drawbridge.config.ConfigLoader;
import io.drawbridge.config.ConfigProblem;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.InvalidConfiguration;
import io.drawbridge.identity.CatalogRoleSource.Match;
import io.drawbridge.identity.CatalogRoleSource.UnknownUser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/** The catalog section of drawbridge.yaml: bound with its defaults, checked field by field, with lines. */
class CatalogConfigTest {

    static final Map<String, String> ENV = Map.of("BACKSTAGE_TOKEN", "secret-token-value-123");

    static GatewayConfig load(String yaml) {
        return new ConfigLoader(ENV::get, List.of(new CatalogCheck()))
                .load("drawbridge.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    static List<ConfigProblem> problems(String yaml) {
        return catchThrowableOfType(InvalidConfiguration.class, () -> load(yaml)).problems();
    }

    @Test
    void noSectionMeansNoCatalog() {
        assertThat(load("server: { port: 0 }\n").catalog()).isNull();
    }

    @Test
    void readsABackstageCatalogWithItsDefaults() {
        CatalogConfig catalog = load("""
                catalog:
                  backstage: { url: http://backstage:7007, token: "${BACKSTAGE_TOKEN}" }
                """).catalog();

        assertThat(catalog.backstage().url()).isEqualTo("http://backstage:7007");
        assertThat(catalog.backstage().token()).isEqualTo("secret-token-value-123");
        assertThat(catalog.backstage().timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(catalog.files()).isNull();
        assertThat(catalog.match()).isEqualTo("email");
        assertThat(catalog.claim()).isNull();
        assertThat(catalog.ttl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(catalog.maxStaleness()).isEqualTo(Duration.ofMinutes(15));
        assertThat(catalog.unknownUser()).isEqualTo("claims-only");
        assertThat(catalog.pollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(catalog.maxCachedUsers()).isEqualTo(10_000);
        assertThat(catalog.routes()).as("route discovery only when asked").isFalse();
        assertThat(load("catalog: { backstage: { url: 'http://b', token: '${BACKSTAGE_TOKEN}' } }").toString())
                .doesNotContain("secret-token-value-123");
    }

    @Test
    void readsEveryFieldAndTurnsThemIntoRoleSourceOptions() {
        CatalogConfig catalog = load("""
                catalog:
                  files: /etc/drawbridge/catalog/*.yaml
                  match: name
                  claim: backstage_user
                  ttl: 1m
                  maxStaleness: 1h
                  unknownUser: deny
                  pollInterval: 10s
                  maxCachedUsers: 500
                  routes: true
                """).catalog();

        CatalogRoleSource.Options options = CatalogRoleSource.Options.of(catalog);

        assertThat(catalog.files()).isEqualTo("/etc/drawbridge/catalog/*.yaml");
        assertThat(catalog.pollInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(catalog.routes()).isTrue();
        assertThat(options).isEqualTo(new CatalogRoleSource.Options(Match.NAME, "backstage_user",
                Duration.ofMinutes(1), Duration.ofHours(1), UnknownUser.DENY, 500, Duration.ofSeconds(10)));
        assertThat(Catalog.of(catalog)).isInstanceOf(FileCatalog.class);
    }

    @Test
    void aBackstageCatalogWaitsForThreeRequestTimeoutsAtMost() {
        CatalogConfig catalog = load("""
                catalog:
                  backstage: { url: https://backstage.example.com/, token: "${BACKSTAGE_TOKEN}", timeout: 2s }
                """).catalog();

        assertThat(CatalogRoleSource.Options.of(catalog).lookupTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(Catalog.of(catalog)).isInstanceOf(BackstageCatalog.class)
                .hasToString("BackstageCatalog[https://backstage.example.com/api/catalog/]");
    }

    @Test
    void refusesBothSourcesOrNeither() {
        assertThat(problems("catalog:\n  files: a.yaml\n  backstage: { url: 'http://b', token: t0123456789 }\n"))
                .extracting(ConfigProblem::line, ConfigProblem::field).containsExactly(tuple(1, "catalog"));
        assertThat(problems("catalog:\n  ttl: 1m\n"))
                .extracting(ConfigProblem::line, ConfigProblem::field).containsExactly(tuple(1, "catalog"));
    }

    @Test
    void namesEveryBadFieldWithItsLine() {
        List<ConfigProblem> problems = problems("""
                catalog:
                  backstage:
                    url: backstage:7007
                    token: "  "
                    timeout: 0s
                  match: upn
                  ttl: 0s
                  maxStaleness: -PT1M
                  unknownUser: allow
                  pollInterval: PT0S
                  maxCachedUsers: 0
                """);

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field).containsExactlyInAnyOrder(
                tuple(3, "catalog.backstage.url"), tuple(4, "catalog.backstage.token"),
                tuple(5, "catalog.backstage.timeout"), tuple(6, "catalog.match"), tuple(7, "catalog.ttl"),
                tuple(8, "catalog.maxStaleness"), tuple(9, "catalog.unknownUser"), tuple(10, "catalog.pollInterval"),
                tuple(11, "catalog.maxCachedUsers"));
    }

    @Test
    void refusesBackstageUrlsThatAreNotPlainHttpBaseUrls() {
        for (String url : List.of("backstage:7007", "/api", "ftp://backstage", "http://user:pw@backstage:7007",
                "http://backstage:7007/?x=1", "http://backstage#x", "http://")) {
            assertThat(problems("catalog: { backstage: { url: '" + url + "', token: t0123456789 } }"))
                    .as(url).extracting(ConfigProblem::field).containsExactly("catalog.backstage.url");
        }
    }

    @Test
    void requiresATokenAndReportsAnUnsetVariableOnce() {
        assertThat(problems("catalog: { backstage: { url: 'http://b:7007' } }"))
                .extracting(ConfigProblem::field).containsExactly("catalog.backstage.token");
        List<ConfigProblem> unset = problems("catalog: { backstage: { url: 'http://b:7007', token: '${NOPE}' } }");
        assertThat(unset).extracting(ConfigProblem::field).containsExactly("catalog.backstage.token");
        assertThat(unset.get(0).message()).contains("NOPE");
    }

    @Test
    void refusesAClaimWithoutNameMatchingAndAStalenessShorterThanTheTtl() {
        assertThat(problems("catalog: { files: a.yaml, claim: upn }"))
                .extracting(ConfigProblem::field).containsExactly("catalog.claim");
        assertThat(problems("catalog: { files: a.yaml, ttl: 10m, maxStaleness: 5m }"))
                .extracting(ConfigProblem::field).containsExactly("catalog.maxStaleness");
    }
}
