package io.drawbridge.config;

/** Checks the {@code logging} section: a format the gateway knows. */
public final class LoggingCheck implements ConfigCheck {

    @Override
    public void check(GatewayConfig config, Problems problems) {
        String format = config.logging().format();
        if (!LoggingConfig.TEXT.equals(format) && !LoggingConfig.JSON.equals(format)) {
            problems.add("logging.format", "must be text or json, not '" + format + "'");
        }
    }
}
