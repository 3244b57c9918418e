package io.drawbridge.config;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.drawbridge.config.Fixtures.loadYaml;
import static io.drawbridge.config.Fixtures.problemsInYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Durations and sizes as written in drawbridge.yaml. */
class ValueFormatsTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({
            "500ms, PT0.5S",
            "2s, PT2S",
            "5m, PT5M",
            "1h, PT1H",
            "1d, PT24H",
            "0s, PT0S",
            "PT2S, PT2S",
            "pt1m30s, PT1M30S",
            "P1D, PT24H",
            "' 3s ', PT3S"})
    void parsesADuration(String text, String iso) {
        assertThat(ConfigDuration.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"2", "2 s", "2S", "1.5s", "-2s", "2sec", "1h30m", "P", "PTxS", "", "s",
            "99999999999999999999d", "9999999999999999d"})
    void refusesWhatIsNotADuration(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigDuration.parse(text))
                .withMessageContaining("500ms, 2s, 5m, 1h, 1d or ISO-8601 such as PT2S");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({
            "8192, 8192",
            "64k, 65536",
            "16KiB, 16384",
            "200m, 209715200",
            "1g, 1073741824",
            "'\"512\"', 512"})
    void bindsASize(String yaml, long bytes) {
        GatewayConfig config = loadYaml("server:\n  limits:\n    maxHeaderSize: " + yaml + "\n", Map.of());

        assertThat(config.server().limits().maxHeaderSize().bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"lots", "-1", "1.5m", "1t", "99999999999g", "[1k]"})
    void refusesWhatIsNotASize(String yaml) {
        assertThat(problemsInYaml("server:\n  limits:\n    maxHeaderSize: " + yaml + "\n", Map.of()))
                .singleElement().satisfies(p -> {
                    assertThat(p.field()).isEqualTo("server.limits.maxHeaderSize");
                    assertThat(p.line()).isEqualTo(3);
                });
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"keyRefreshRate, 45s, PT45S", "clockSkew, 750ms, PT0.75S", "keyCacheTtl, P1D, PT24H"})
    void bindsIssuerDurations(String field, String yaml, String iso) {
        IssuerConfig issuer = loadYaml("issuers:\n  - name: a\n    " + field + ": " + yaml + "\n", Map.of())
                .issuers().get(0);

        Duration bound = switch (field) {
            case "keyRefreshRate" -> issuer.keyRefreshRate();
            case "clockSkew" -> issuer.clockSkew();
            default -> issuer.keyCacheTtl();
        };
        assertThat(bound).isEqualTo(Duration.parse(iso));
    }
}
