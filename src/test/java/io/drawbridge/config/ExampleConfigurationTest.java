package io.drawbridge.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.drawbridge.authn.IssuersCheck;
import io.drawbridge.policy.PolicyCheck;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example the README points users to must load, with every stage's checks, as it is shipped. */
class ExampleConfigurationTest {

    @Test
    void theShippedExampleLoadsWithEveryCheck() {
        var loader = new ConfigLoader(name -> null, List.of(new IssuersCheck(), new PolicyCheck()));
        GatewayConfig config = loader.load(Path.of("drawbridge.example.yaml"));
        assertThat(config.issuers()).extracting(IssuerConfig::name).containsExactly("corp");
        assertThat(config.policies()).containsKeys("sre-only", "grafana", "status-page");
        assertThat(config.policies().get("status-page").isPublic()).isTrue();
        assertThat(config.server().trustedProxies()).isEmpty();
    }
}
