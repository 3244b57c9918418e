/**
 * Configuration: receives {@code drawbridge.yaml} and hands every other stage its section as an immutable record
 * ({@link io.drawbridge.config.GatewayConfig}), or refuses to start with every problem found, each named by file,
 * line and field. Stages that own a section (issuers, policies) contribute a {@link io.drawbridge.config.ConfigCheck}
 * for it. This package must not connect anywhere, and must never put a value from the environment into a message.
 */
package io.drawbridge.config;
