package io.drawbridge.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Checks the {@code assertion} section: a readable key file, a lifetime between 10 s and 1 h. */
public final class AssertionCheck implements ConfigCheck {

    @Override
    public void check(GatewayConfig config, Problems problems) {
        AssertionConfig assertion = config.assertion();
        if (assertion.issuer().isBlank()) {
            problems.add("assertion.issuer", "must not be empty");
        }
        if (assertion.keyFile() != null && !Files.isReadable(Path.of(assertion.keyFile()))) {
            problems.add("assertion.keyFile", "cannot read " + assertion.keyFile());
        }
        Duration lifetime = assertion.lifetime();
        if (lifetime.compareTo(Duration.ofSeconds(10)) < 0 || lifetime.compareTo(Duration.ofHours(1)) > 0) {
            problems.add("assertion.lifetime", "must be between 10s and 1h");
        }
    }
}
