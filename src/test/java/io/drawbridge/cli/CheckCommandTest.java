package io.drawbridge.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code drawbridge check}: every problem of configuration, route files and catalog files; exit 0 or 2. */
class CheckCommandTest {

    record Result(int status, String out, String err) {
    }

    static Result check(Map<String, String> env, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = CheckCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env::get);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theExampleConfigurationIsCleanWithItsSecretsStoodIn() {
        Result result = check(Map.of(), "--config", "drawbridge.example.yaml");

        assertThat(result.err()).isEmpty();
        assertThat(result.status()).isZero();
        assertThat(result.out()).contains("ok: drawbridge.example.yaml")
                .contains("checked with a stand-in value: BACKSTAGE_TOKEN, DRAWBRIDGE_CLIENT_SECRET,"
                        + " DRAWBRIDGE_SESSION_KEY");
    }

    @Test
    void devModesConfigurationIsClean() {
        Result result = check(Map.of(), "--dev");

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).contains("ok: the dev configuration").contains("1 catalog route(s)");
    }

    static Stream<Path> invalidConfigurations() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/config"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("invalid-")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfigurations")
    void everyInvalidConfigurationExitsTwoNamingFileAndLine(Path file) {
        Result result = check(Map.of(), "--config", file.toString());

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains(file + ":").contains("problem(s): the gateway would refuse to start");
        assertThat(result.out()).doesNotContain("ok:");
    }

    @Test
    void everyBadStepOfEveryRouteFileIsReportedWithItsLine(@TempDir Path dir) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("a.yaml"), """
                - route:
                    id: a
                    from:
                      uri: gateway:/a
                      steps:
                        - to: drawbridge:authenticate?login=browser
                        - to: drawbridge:enrich
                        - to: drawbridge:authorize?policy=opne
                        - to: drawbridge:proxy?upstream=http://127.0.0.1:9
                """);
        Files.writeString(routes.resolve("b.yaml"), """
                - route:
                    id: b
                    from:
                      uri: gateway:/b
                      steps:
                        - to: drawbridge:authorize?policy=open&colour=red
                        - to: drawbridge:proxy
                """);
        Files.writeString(routes.resolve("c.yaml"), "- route: [this is not a route\n");
        Path config = Files.writeString(dir.resolve("drawbridge.yaml"), """
                issuers:
                  - name: corp
                    issuer: https://login.example.com
                    jwksUri: https://login.example.com/jwks
                    audiences: [drawbridge]
                policies:
                  open:
                    public: true
                routes:
                  - file:%s/*.yaml
                """.formatted(routes));

        Result result = check(Map.of(), "--config", config.toString());

        assertThat(result.status()).as(result.out() + result.err()).isEqualTo(2);
        assertThat(result.err()).contains(
                routes.resolve("a.yaml") + ":6: route a, step drawbridge:authenticate?login=browser: "
                        + "drawbridge:authenticate?login=browser needs a login section",
                routes.resolve("a.yaml") + ":7: route a, step drawbridge:enrich: drawbridge:enrich needs a catalog",
                routes.resolve("a.yaml") + ":8: route a, step drawbridge:authorize?policy=opne: "
                        + "drawbridge:authorize names unknown policy 'opne'",
                routes.resolve("b.yaml") + ":6: route b, step drawbridge:authorize?policy=open&colour=red: "
                        + "drawbridge:authorize has no parameter 'colour'",
                routes.resolve("b.yaml") + ":7: route b, step drawbridge:proxy: drawbridge:proxy needs upstream",
                routes.resolve("c.yaml") + ": routes: is not a valid route file",
                "6 problem(s)");
    }

    @Test
    void aBadCatalogDeclarationIsAProblemOfTheCatalogFile(@TempDir Path dir) throws IOException {
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), """
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata:
                  name: grafana
                  annotations:
                    drawbridge.io/upstream: ftp://grafana
                    drawbridge.io/path: /grafana
                    drawbridge.io/allow: owners
                spec: { type: service, owner: sre }
                """);
        Path config = Files.writeString(dir.resolve("drawbridge.yaml"), """
                catalog:
                  files: %s
                routes: []
                """.formatted(catalog));

        Result result = check(Map.of(), "--config", config.toString());

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains(catalog + ": component:default/grafana: drawbridge.io/upstream:");
    }

    @Test
    void withoutAConfigurationItSaysHowToNameOne() {
        Result result = check(Map.of());

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("--config FILE or --dev is needed", "usage:");
    }
}
