package io.drawbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.testing.TokenMinter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code drawbridge explain}: the route, each rule with why, the catalog groups, the decision and its code. */
class ExplainCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static CheckCommandTest.Result explain(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = ExplainCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.<String, String>of()::get);
        return new CheckCommandTest.Result(status, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void bobIsDeniedTheEchoRouteForTheGroupHeLacks() {
        var result = explain("--dev", "--user", "bob", "GET", "http://127.0.0.1:8080/echo/");

        assertThat(result.status()).as(result.err()).isEqualTo(1);
        assertThat(result.out()).contains("route     echo on /echo (routes/echo.yaml:2)",
                "caller    bob <bob@example.com>, groups: (none)", "policy    sre-only",
                "allow sre: does not match", "no  group in [sre] (you are in no group)",
                "decision  DENY group-missing: sre requires group in [sre]");
    }

    @Test
    void aliceIsAllowedByTheSreRule() {
        var result = explain("--dev", "--user", "alice", "GET", "http://127.0.0.1:8080/echo/");

        assertThat(result.status()).isZero();
        assertThat(result.out()).contains("yes group in [sre]", "decision  ALLOW rule-matched (rule sre)");
    }

    @Test
    void theCatalogGivesAliceThePlatformGroupThroughSre() throws Exception {
        var result = explain("--dev", "--user", "alice", "--json", "GET", "http://127.0.0.1:8080/platform/x");
        JsonNode json = JSON.readTree(result.out());

        assertThat(result.status()).isZero();
        assertThat(json.path("route").path("id").asText()).isEqualTo("platform");
        assertThat(json.path("catalog").asText()).isEqualTo("fresh");
        assertThat(json.path("catalogGroups").toString()).contains("group:default/sre", "group:default/platform");
        assertThat(json.path("decision").asText()).isEqualTo("allow");
        assertThat(json.path("rule").asText()).isEqualTo("platform");
    }

    @Test
    void offlineTheCatalogIsNotAskedAndThePolicySeesTokenGroupsOnly() throws Exception {
        var result = explain("--dev", "--user", "alice", "--offline", "--json", "GET",
                "http://127.0.0.1:8080/platform/x");
        JsonNode json = JSON.readTree(result.out());

        assertThat(result.status()).isEqualTo(1);
        assertThat(json.path("catalog").asText()).isEqualTo("offline");
        assertThat(json.path("reason").asText()).isEqualTo("group-missing");
        assertThat(json.path("notes").toString()).contains("not looked up");
    }

    @Test
    void aCatalogDeclaredRouteIsExplainedWithItsDeclaredPolicy() {
        var result = explain("--dev", "--user", "bob", "GET", "http://127.0.0.1:8080/catalog-echo/");

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out()).contains("route     catalog-component-default-echo on /catalog-echo"
                + " (catalog component:default/echo)", "group in [group:default/sre]", "DENY group-missing");
    }

    @Test
    void noRouteIsANoRouteDenial() {
        var result = explain("--dev", "--user", "alice", "GET", "http://127.0.0.1:8080/nowhere");

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out()).contains("route     none", "DENY no-route");
    }

    @Test
    void aTokenFilesClaimsMakeTheCaller(@TempDir Path dir) throws Exception {
        var minter = new TokenMinter();
        Path token = Files.writeString(dir.resolve("token"), minter.token("carol", List.of("contractors")));
        Path config = Files.writeString(dir.resolve("drawbridge.yaml"), """
                issuers:
                  - name: corp
                    issuer: %s
                    jwksUri: https://issuer.test/jwks
                    audiences: [drawbridge]
                policies:
                  grafana:
                    deny:
                      - name: no-admin-for-contractors
                        groups: [contractors]
                        paths: [/grafana/api/admin/**]
                    allow:
                      - groups: [contractors]
                routes:
                  - file:%s/*.yaml
                """.formatted(TokenMinter.ISSUER, dir));
        Files.writeString(dir.resolve("grafana.yaml"), """
                - route:
                    id: grafana
                    from:
                      uri: gateway:/grafana
                      steps:
                        - to: drawbridge:authenticate
                        - to: drawbridge:authorize
                        - to: drawbridge:proxy?upstream=http://grafana.internal:3000
                """);

        var admin = explain("--config", config.toString(), "--token", token.toString(), "DELETE",
                "https://portal.example.com/grafana/api/admin/users");
        var dashboards = explain("--config", config.toString(), "--token", token.toString(), "GET",
                "https://portal.example.com/grafana/d/x");

        assertThat(admin.status()).as(admin.err()).isEqualTo(1);
        assertThat(admin.out()).contains("caller    carol", "deny  no-admin-for-contractors: matches",
                "DENY deny-rule-matched (rule no-admin-for-contractors)", "not verified");
        assertThat(dashboards.status()).isZero();
        assertThat(dashboards.out()).contains("ALLOW rule-matched (rule allow[0])");
    }

    @Test
    void withoutMethodAndUrlItSaysWhatItNeeds() {
        var result = explain("--dev", "--user", "bob");

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("explain needs METHOD and URL", "usage:");
    }
}
