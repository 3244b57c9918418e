package io.drawbridge.config;

import io.drawbridge.policy.PolicyCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

import static io.drawbridge.config.Fixtures.loadYaml;
import static org.assertj.core.api.Assertions.assertThat;

/** Every configuration example of the access requests guide loads without a problem, as a user would copy it. */
class AccessGuideTest {

    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyYamlBlockOfTheGuideIsAValidConfiguration() throws Exception {
        String guide = Files.readString(Path.of("docs/guides/access-requests.md"));
        List<String> blocks = new ArrayList<>();
        Matcher m = YAML_BLOCK.matcher(guide);
        while (m.find()) {
            blocks.add(m.group(1));
        }

        assertThat(blocks).hasSizeGreaterThanOrEqualTo(3);
        for (String block : blocks) {
            GatewayConfig config = loadYaml(block, Map.of("DRAWBRIDGE_ACCESS_DB_PASSWORD", "x"), new PolicyCheck());
            assertThat(config.takesAccessRequests()).as(block).isTrue();
        }
    }
}
