package io.drawbridge.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * The management port: health, metrics, Jolokia and Hawtio, apart from the data plane. Never reachable through a
 * proxied route: it is another socket.
 *
 * @param host     address to bind; default {@code 127.0.0.1} (loopback: only this machine). Binding anything else
 *                 requires {@code username} and {@code password} for Jolokia and Hawtio
 * @param port     default 8081; {@code 0} picks a free port; {@code -1} turns the management port off
 * @param jolokia  serve Jolokia (JMX over HTTP) at {@code /jolokia}; default true
 * @param hawtio   serve the Hawtio console at {@code /hawtio}; default false ({@code --hawtio} turns it on)
 * @param username for Jolokia and Hawtio (HTTP Basic), which are served only with credentials (dev mode
 *                 excepted); health and metrics stay open for probes and scrapers
 * @param password from the environment, e.g. {@code ${DRAWBRIDGE_MANAGEMENT_PASSWORD}}
 * @param tracing  trace context and span export (see {@link TracingConfig})
 * @param allowedHosts more {@code Host} names the management port answers (e.g. a Kubernetes service name
 *                 Prometheus scrapes by), beyond loopback names, IP addresses and {@code host}; any other name is
 *                 refused with 421, so a web page cannot reach the port by rebinding its own name to 127.0.0.1
 * @param devMode  set by dev mode only, never by the file: Jolokia and Hawtio are served without credentials
 */
public record ManagementConfig(String host, Integer port, Boolean jolokia, Boolean hawtio, String username,
                               String password, TracingConfig tracing, List<String> allowedHosts,
                               @JsonIgnore Boolean devMode) {

    public ManagementConfig {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 8081 : port;
        jolokia = jolokia == null || jolokia;
        hawtio = hawtio != null && hawtio;
        tracing = tracing == null ? TracingConfig.defaults() : tracing;
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        devMode = devMode != null && devMode;
    }

    public static ManagementConfig defaults() {
        return new ManagementConfig(null, null, null, null, null, null, null, null, null);
    }

    public ManagementConfig withHawtio(boolean on) {
        return new ManagementConfig(host, port, jolokia, on, username, password, tracing, allowedHosts, devMode);
    }

    /** This section as dev mode runs it: Jolokia and Hawtio without credentials, on loopback only. */
    public ManagementConfig inDevMode() {
        return new ManagementConfig(host, port, jolokia, hawtio, username, password, tracing, allowedHosts, true);
    }

    /** Whether Jolokia and Hawtio may be served: with credentials, or in dev mode. */
    public boolean consolesAllowed() {
        return devMode || (username != null && !username.isBlank() && password != null && !password.isBlank());
    }

    public boolean enabled() {
        return port >= 0;
    }

    @Override
    public String toString() {
        return "ManagementConfig[host=" + host + ", port=" + port + ", jolokia=" + jolokia + ", hawtio=" + hawtio
                + ", username=" + username + ", password=" + (password == null ? null : "***") + ", tracing=" + tracing
                + ", allowedHosts=" + allowedHosts + "]";
    }
}
