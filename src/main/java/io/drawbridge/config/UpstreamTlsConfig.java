package io.drawbridge.config;

/**
 * How the gateway talks TLS to an upstream ({@code upstreams.tls.<name>}, applied by a route's
 * {@code drawbridge:proxy?tls=<name>}). Files are PEM and read again when they change.
 *
 * @param caFile          the certificates to trust for this upstream, instead of the JDK's trust store (a private
 *                        CA, or the upstream's own self-signed certificate); default the JDK's
 * @param certificateFile the client certificate chain to present when the upstream asks (mutual TLS); with keyFile
 * @param keyFile         its private key (PKCS#8 PEM)
 * @param serverName      the name the upstream's certificate must carry, also sent as SNI, when it differs from the
 *                        upstream URL's host (an IP address, a Service name); default that host
 */
public record UpstreamTlsConfig(String caFile, String certificateFile, String keyFile, String serverName) {
}
