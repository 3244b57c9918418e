package io.drawbridge.config;

import io.drawbridge.ConfigChecks;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The example the README points users to must load, with every stage's checks, as it is shipped. */
class ExampleConfigurationTest {

    @Test
    void theShippedExampleLoadsWithEveryCheck() {
        // Its secrets come from the environment; any well-formed value will do for loading it.
        java.util.Map<String, String> secrets = java.util.Map.of("BACKSTAGE_TOKEN", "backstage-token-1234",
                "DRAWBRIDGE_CLIENT_SECRET", "client-secret-1234",
                "DRAWBRIDGE_SESSION_KEY", "Y2hlY2stc3RhbmQtaW4tdmFsdWUtMzItYnl0ZXMtISE=");
        var loader = ConfigChecks.loader(secrets::get);
        GatewayConfig config = loader.load(Path.of("drawbridge.example.yaml"));
        assertThat(config.issuers()).extracting(IssuerConfig::name).containsExactly("corp");
        assertThat(config.policies()).containsKeys("sre-only", "grafana", "status-page", "platform", "public");
        assertThat(config.login()).isNotNull();
        assertThat(config.catalog().backstage().portalUrl()).isEqualTo("https://backstage.example.com");
        assertThat(config.policies().get("status-page").isPublic()).isTrue();
        assertThat(config.server().trustedProxies()).isEmpty();
    }
}
