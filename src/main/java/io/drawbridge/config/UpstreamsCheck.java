package io.drawbridge.config;

import java.time.Duration;

/** Upstream defaults: every timeout positive, the idle pool not negative. */
final class UpstreamsCheck implements ConfigCheck {

    @Override
    public void check(GatewayConfig config, Problems problems) {
        UpstreamDefaults upstreams = config.upstreams();
        positive(upstreams.connectTimeout(), "upstreams.connectTimeout", problems);
        positive(upstreams.responseTimeout(), "upstreams.responseTimeout", problems);
        positive(upstreams.idleTimeout(), "upstreams.idleTimeout", problems);
        if (upstreams.maxIdlePerHost() < 0) {
            problems.add("upstreams.maxIdlePerHost", "must be 0 (no pooling) or more");
        }
    }

    private static void positive(Duration timeout, String field, Problems problems) {
        if (timeout.isZero() || timeout.isNegative()) {
            problems.add(field, "must be longer than 0");
        }
    }
}
