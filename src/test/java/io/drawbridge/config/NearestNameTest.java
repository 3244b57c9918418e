package io.drawbridge.config;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class NearestNameTest {

    private static final List<String> SECTIONS = List.of("server", "upstreams", "issuers", "policies",
            "identityHeaders", "audit", "routes", "properties");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"issuer, issuers", "sever, server", "identity_headers, identityHeaders",
            "identity-headers, identityHeaders", "Routes, routes", "upstream, upstreams", "polices, policies",
            "auidt, audit"})
    void guessesACloseName(String written, String meant) {
        assertThat(NearestName.to(written, SECTIONS)).contains(meant);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"listener", "x", "tls", "logging", "aud"})
    void doesNotGuessWhenNothingIsClose(String written) {
        assertThat(NearestName.to(written, SECTIONS)).isEmpty();
    }
}
