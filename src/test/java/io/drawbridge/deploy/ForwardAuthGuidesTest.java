package io.drawbridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forward-authentication guides show the configuration the front tests run: each page quotes its file
 * verbatim (NginxFrontIT, CaddyFrontIT and HaproxyFrontIT run the files), and the Traefik and Envoy pages, which
 * no test can run here, are valid YAML naming every identity header Drawbridge answers with.
 */
class ForwardAuthGuidesTest {

    static final Path GUIDES = Path.of("docs/guides/forward-auth");
    static final List<String> IDENTITY = List.of("X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups",
            "X-Forwarded-Preferred-Username", "X-Drawbridge-Assertion");
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);

    @ParameterizedTest
    @CsvSource({"nginx.md, nginx.conf", "caddy.md, Caddyfile", "haproxy.md, haproxy.cfg", "haproxy.md, drawbridge.lua"})
    void quotesTheFileTheTestRuns(String page, String file) throws IOException {
        assertThat(Files.readString(GUIDES.resolve(page))).contains(Files.readString(GUIDES.resolve(file)));
    }

    @ParameterizedTest
    @CsvSource({"nginx.conf", "Caddyfile", "drawbridge.lua", "traefik.md", "envoy.md"})
    void setsEveryIdentityHeaderDrawbridgeAnswersWith(String file) throws IOException {
        String text = Files.readString(GUIDES.resolve(file)).toLowerCase(java.util.Locale.ROOT);
        IDENTITY.forEach(name -> assertThat(text).as(name).contains(name.toLowerCase(java.util.Locale.ROOT)));
    }

    @ParameterizedTest
    @CsvSource({"traefik.md", "envoy.md", "README.md"})
    void itsYamlParses(String page) throws IOException {
        Matcher blocks = YAML_BLOCK.matcher(Files.readString(GUIDES.resolve(page)));
        var yaml = new ObjectMapper(new YAMLFactory());
        int count = 0;
        while (blocks.find()) {
            JsonNode parsed = yaml.readTree(blocks.group(1));
            assertThat(parsed).as(page + " block " + count).isNotNull();
            count++;
        }
        assertThat(count).isPositive();
    }

    @Test
    void traefikAsksTheDecisionEndpointAndEnvoyAppendsToIt() throws IOException {
        var yaml = new ObjectMapper(new YAMLFactory());
        Matcher traefik = YAML_BLOCK.matcher(Files.readString(GUIDES.resolve("traefik.md")));
        assertThat(traefik.find()).isTrue();
        JsonNode forward = yaml.readTree(traefik.group(1)).at("/http/middlewares/drawbridge/forwardAuth");
        assertThat(forward.path("address").asText()).endsWith("/.drawbridge/auth");
        assertThat(forward.path("trustForwardHeader").asBoolean(true)).isFalse();
        Matcher envoy = YAML_BLOCK.matcher(Files.readString(GUIDES.resolve("envoy.md")));
        assertThat(envoy.find()).isTrue();
        assertThat(envoy.group(1)).contains("path_prefix: /.drawbridge/auth", "failure_mode_allow: false");
    }
}
