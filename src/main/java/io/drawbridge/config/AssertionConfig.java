package io.drawbridge.config;

import java.time.Duration;

/**
 * The signed identity assertion ({@code X-Drawbridge-Assertion}) on every proxied request.
 *
 * @param issuer   the assertions' {@code iss}, usually the gateway's public URL; default {@code drawbridge}
 * @param keyFile  a private EC P-256 key as a JWK, shared by every replica so that upstreams can verify whichever
 *                 replica signed; default none: a key made at startup (fine for one instance)
 * @param lifetime how long an assertion is valid; default 5m
 */
public record AssertionConfig(String issuer, String keyFile, Duration lifetime) {

    public AssertionConfig {
        issuer = issuer == null ? "drawbridge" : issuer;
        lifetime = lifetime == null ? Duration.ofMinutes(5) : lifetime;
    }

    public static AssertionConfig defaults() {
        return new AssertionConfig(null, null, null);
    }
}
