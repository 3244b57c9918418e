package io.drawbridge.audit;

import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InstanceNameTest {

    @Test
    void theConfiguredNameWins() {
        assertThat(InstanceName.of("gw-1", Map.of("HOSTNAME", "pod-7"))).isEqualTo("gw-1");
    }

    @Test
    void withoutOneThePodNameFromHostname() {
        assertThat(InstanceName.of(null, Map.of("HOSTNAME", "drawbridge-5d9f-x2k"))).isEqualTo("drawbridge-5d9f-x2k");
    }

    @Test
    void withNeitherTheMachinesHostName() {
        assertThat(InstanceName.of(null, Map.of())).isNotBlank();
    }
}
