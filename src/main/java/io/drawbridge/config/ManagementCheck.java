package io.drawbridge.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Checks the {@code management} section: a port in range, and credentials whenever it leaves loopback. */
public final class ManagementCheck implements ConfigCheck {

    @Override
    public void check(GatewayConfig config, Problems problems) {
        ManagementConfig m = config.management();
        if (m.port() < -1 || m.port() > 65535) {
            problems.add("management.port", "must be between 1 and 65535 (0: any free port, -1: off)");
        }
        if (m.enabled() && m.port() != 0 && m.port().equals(config.server().port())) {
            problems.add("management.port", "must differ from server.port: management never shares the data plane");
        }
        boolean loopback = isLoopback(m.host());
        if (!loopback && (m.jolokia() || m.hawtio()) && (blank(m.username()) || blank(m.password()))) {
            problems.add("management.host", m.host() + " is not loopback: set management.username and "
                    + "management.password (from the environment) for Jolokia and Hawtio, or turn them off");
        }
        for (int i = 0; i < m.allowedHosts().size(); i++) {
            String name = m.allowedHosts().get(i);
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                problems.add("management.allowedHosts[" + i + "]", "must be a host name (letters, digits, . _ -), "
                        + "without port or scheme");
            }
        }
        TracingConfig t = m.tracing();
        if (t.exporting() && !(t.endpoint().startsWith("http://") || t.endpoint().startsWith("https://"))) {
            problems.add("management.tracing.endpoint", "must be an http:// or https:// OTLP traces URL, e.g. "
                    + "http://otel-collector:4318/v1/traces");
        }
        if (t.sampleRatio() < 0 || t.sampleRatio() > 1) {
            problems.add("management.tracing.sampleRatio", "must be between 0 and 1");
        }
        if (!blank(m.password()) && m.password().length() < 12) {
            problems.add("management.password", "must be at least 12 characters");
        }
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
