package io.drawbridge.config;

import java.time.Duration;
import java.util.List;

/**
 * The gateway's HTTP listener.
 *
 * @param host           address to bind; default {@code 0.0.0.0} ({@code 127.0.0.1} in dev mode)
 * @param port           port to bind; default 8080
 * @param trustedProxies peers (IP addresses or CIDR ranges) whose {@code X-Forwarded-*} headers are believed;
 *                       default none: the gateway sets them from the connection itself
 * @param limits         request size limits
 * @param tls            TLS on the listener; default none (plain HTTP)
 * @param timeouts       how long a client may take to send a request (slow clients)
 */
public record ServerConfig(String host, Integer port, List<String> trustedProxies, Limits limits, Tls tls,
                           Timeouts timeouts) {

    public ServerConfig {
        host = host == null ? "0.0.0.0" : host;
        port = port == null ? 8080 : port;
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        limits = limits == null ? Limits.defaults() : limits;
        timeouts = timeouts == null ? Timeouts.defaults() : timeouts;
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null);
    }

    /**
     * @param maxInitialLine the longest request line accepted, in bytes; default 8 KiB (longer: 414)
     * @param maxHeaderSize  the most header bytes accepted; default 16 KiB (more: 431)
     * @param maxRequestBody the largest request body forwarded, in bytes; default 1 GiB (larger: 413)
     */
    public record Limits(ByteSize maxInitialLine, ByteSize maxHeaderSize, ByteSize maxRequestBody) {
        public Limits {
            maxInitialLine = maxInitialLine == null ? ByteSize.ofKib(8) : maxInitialLine;
            maxHeaderSize = maxHeaderSize == null ? ByteSize.ofKib(16) : maxHeaderSize;
            maxRequestBody = maxRequestBody == null ? ByteSize.ofMib(1024) : maxRequestBody;
        }

        public static Limits defaults() {
            return new Limits(null, null, null);
        }
    }

    /**
     * TLS on the listener (TLS 1.2 and 1.3). The files are read again when they change, so a renewed certificate
     * is served to new connections without a restart. A request naming another host than the server name (SNI)
     * its connection was opened for is refused with 421 (see {@code ClientConnectionHandler}).
     *
     * @param certificateFile the certificate chain in PEM, leaf first; required
     * @param keyFile         its private key in PEM (PKCS#8); required
     * @param redirectPort    a second, plain-HTTP port that redirects every request to https; default none
     * @param hsts            {@code Strict-Transport-Security} max-age on every response; default 365d, 0s for none
     */
    public record Tls(String certificateFile, String keyFile, Integer redirectPort, Duration hsts) {
        public Tls {
            hsts = hsts == null ? Duration.ofDays(365) : hsts;
        }
    }

    /**
     * @param header    the longest a request head may take to arrive, from its first byte; default 10s (then 408)
     * @param bodyIdle  the longest a request body may pause; default 30s (then 408, or the connection closes)
     * @param keepAlive how long a connection may stay open between requests; default 75s, longer than the
     *                  60 s idle timeout of common load balancers, so they close first
     */
    public record Timeouts(Duration header, Duration bodyIdle, Duration keepAlive) {
        public Timeouts {
            header = header == null ? Duration.ofSeconds(10) : header;
            bodyIdle = bodyIdle == null ? Duration.ofSeconds(30) : bodyIdle;
            keepAlive = keepAlive == null ? Duration.ofSeconds(75) : keepAlive;
        }

        public static Timeouts defaults() {
            return new Timeouts(null, null, null);
        }
    }
}
