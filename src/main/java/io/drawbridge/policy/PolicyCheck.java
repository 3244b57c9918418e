package io.drawbridge.policy;

import io.drawbridge.config.ConfigCheck;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.Problems;

/** Checks the {@code policies} section by compiling it, so the loader reports policy problems with the rest. */
public final class PolicyCheck implements ConfigCheck {

    @Override
    public void check(GatewayConfig config, Problems problems) {
        Policies.compile(config.policies(), problems);
    }
}
