package io.drawbridge.config;

import io.drawbridge.testing.GatewayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar} with a bad configuration refuses to start and says where, without a stack trace. */
class BadConfigurationIT {

    private record Run(int status, String output) {
    }

    private static Run run(Path dir, String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", GatewayProcess.jar().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    @Test
    void aBadConfigurationFileNamesFileLineAndFieldOfEveryProblem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("drawbridge.yaml"), """
                server:
                  port: 99999
                policies:
                  sre:
                    allow:
                      - groups: [sre]
                        methods: [FETCH]
                audit:
                  fiel: x.jsonl
                """);
        Run run = run(dir, "--config", "drawbridge.yaml");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.output()).contains("refusing to start", "drawbridge.yaml:2: server.port",
                "drawbridge.yaml:7: policies.sre.allow[0].methods", "drawbridge.yaml:9: audit.fiel");
        assertThat(run.output()).doesNotContain("\tat ", "Exception");
    }

    @Test
    void everyBadRouteStepIsNamedWithItsFileAndLineAndExitsTwo(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("drawbridge.yaml"), """
                server:
                  host: 127.0.0.1
                  port: 0
                policies:
                  open:
                    public: true
                """);
        Files.writeString(dir.resolve("routes/app.yaml"), """
                - route:
                    id: app
                    from:
                      uri: gateway:/app
                      steps:
                        - to: drawbridge:authorize?policy=opne
                        - to: drawbridge:proxy?upstream=http://127.0.0.1:9
                """);
        Files.writeString(dir.resolve("routes/other.yaml"), """
                - route:
                    id: other
                    from:
                      uri: gateway:/other
                      steps:
                        - to: drawbridge:enrich
                        - to: drawbridge:authorize?policy=open
                        - to: drawbridge:proxy
                """);
        Run run = run(dir, "--config", "drawbridge.yaml");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.output()).contains("refusing to start", "3 configuration problem(s)",
                "routes/app.yaml:6: route app, step drawbridge:authorize?policy=opne", "unknown policy 'opne'",
                "routes/other.yaml:6: route other, step drawbridge:enrich", "needs a catalog section",
                "routes/other.yaml:8: route other, step drawbridge:proxy", "needs upstream");
        assertThat(run.output()).doesNotContain("\tat ");
    }

    @Test
    void helpListsEveryCommandAndVersionPrintsTheVersion(@TempDir Path dir) throws Exception {
        Run help = run(dir, "--help");
        assertThat(help.status()).isZero();
        assertThat(help.output()).contains("--config FILE", "--dev ", "--dev --config FILE", "--hawtio",
                "check --config FILE", "explain --config FILE --user U", "diff --config FILE --audit FILE",
                "--version", "--help");
        Run version = run(dir, "--version");
        assertThat(version.status()).isZero();
        assertThat(version.output().strip()).matches("drawbridge \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void aMissingConfigurationFileIsExplained(@TempDir Path dir) throws Exception {
        Run run = run(dir);
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.output()).contains("drawbridge.yaml does not exist", "--dev");
    }
}
