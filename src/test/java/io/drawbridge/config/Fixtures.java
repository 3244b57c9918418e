package io.drawbridge.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Loading from test resources and inline YAML, with a fixed environment instead of the process's. */
final class Fixtures {

    private Fixtures() {
    }

    static GatewayConfig loadResource(String name, Map<String, String> env, ConfigCheck... checks) {
        try (InputStream yaml = Fixtures.class.getResourceAsStream("/config/" + name)) {
            if (yaml == null) {
                throw new IllegalArgumentException("no test resource config/" + name);
            }
            return new ConfigLoader(env::get, List.of(checks)).load(name, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static GatewayConfig loadYaml(String yaml, Map<String, String> env, ConfigCheck... checks) {
        InputStream in = new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8));
        return new ConfigLoader(env::get, List.of(checks)).load("drawbridge.yaml", in);
    }

    static List<ConfigProblem> problemsInResource(String name, Map<String, String> env, ConfigCheck... checks) {
        return catchThrowableOfType(InvalidConfiguration.class, () -> loadResource(name, env, checks)).problems();
    }

    static List<ConfigProblem> problemsInYaml(String yaml, Map<String, String> env, ConfigCheck... checks) {
        return catchThrowableOfType(InvalidConfiguration.class, () -> loadYaml(yaml, env, checks)).problems();
    }
}
