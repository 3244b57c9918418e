package io.drawbridge.proxy;

import io.drawbridge.cli.CheckCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The proxy step's cache options: a wrong one refuses to start, naming the route file, line and option. */
class CacheOptionsTest {

    @Test
    void badCacheOptionsAreReportedWithTheirLine(@TempDir Path dir) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        StringBuilder yaml = new StringBuilder();
        String[] options = {"cache=true", "cachePaths=/static/**", "cache=true&cachePaths=/a/*/b",
            "cache=true&cacheMaxEntry=128m&cacheSize=1g", "cache=true&cacheSize=1m&cacheMaxEntry=2m",
            "cache=true&cacheSize=lots", "cache=true&cacheTtl=soon"};
        for (int i = 0; i < options.length; i++) {
            yaml.append("""
                    - route:
                        id: r%d
                        from:
                          uri: gateway:/r%d
                          steps:
                            - to: drawbridge:authorize?policy=open
                            - to: "drawbridge:proxy?upstream=http://127.0.0.1:9&%s"
                    """.formatted(i, i, options[i]));
        }
        Path file = Files.writeString(routes.resolve("r.yaml"), yaml);
        Path config = Files.writeString(dir.resolve("drawbridge.yaml"), """
                policies:
                  open:
                    public: true
                routes:
                  - file:%s/*.yaml
                """.formatted(routes));
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();

        int status = CheckCommand.run(List.of("--config", config.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                name -> null);

        String problems = err.toString(StandardCharsets.UTF_8);
        assertThat(status).as(problems).isEqualTo(2);
        assertThat(problems).contains(
                file + ":14: route r1, step drawbridge:proxy?upstream=http://127.0.0.1:9&cachePaths=/static/**: "
                        + "drawbridge:proxy cacheSize, cacheMaxEntry, cachePaths and cacheTtl need cache=true",
                file + ":21: route r2", "'/a/*/b' must be an exact path or end in /**",
                file + ":28: route r3", "cacheMaxEntry (128m) is over 64m",
                file + ":35: route r4", "cacheMaxEntry (2m) cannot exceed cacheSize (1m)",
                file + ":42: route r5", "'lots' is not a size",
                file + ":49: route r6", "cacheTtl",
                "6 problem(s)");
        assertThat(problems).doesNotContain("route r0,");
    }
}
