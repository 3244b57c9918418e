package io.drawbridge.config;

/**
 * A semantic check on a loaded configuration, contributed by the stage that owns a section (policies are checked
 * by the policy compiler, issuers by the authentication stage), so the loader need not know every rule.
 */
@FunctionalInterface
public interface ConfigCheck {

    void check(GatewayConfig config, Problems problems);
}
