package io.drawbridge.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;

/**
 * Upstream defaults: every timeout positive, the idle pool not negative, and named TLS settings whose files hold
 * what they must (certificates where certificates go; a client certificate only with its key).
 */
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
        upstreams.tls().forEach((name, tls) -> checkTls("upstreams.tls." + name, tls, problems));
    }

    private static void checkTls(String field, UpstreamTlsConfig tls, Problems problems) {
        if (tls == null) {
            problems.add(field, "is empty: give caFile, certificateFile and keyFile, or serverName");
            return;
        }
        if (tls.caFile() != null) {
            certificates(tls.caFile(), field + ".caFile", problems);
        }
        if ((tls.certificateFile() == null) != (tls.keyFile() == null)) {
            problems.add(field + (tls.keyFile() == null ? ".keyFile" : ".certificateFile"),
                    "a client certificate needs both certificateFile and keyFile");
        }
        if (tls.certificateFile() != null) {
            certificates(tls.certificateFile(), field + ".certificateFile", problems);
        }
        if (tls.keyFile() != null && !Files.isReadable(Path.of(tls.keyFile()))) {
            problems.add(field + ".keyFile", "cannot read " + tls.keyFile());
        }
        if (tls.serverName() != null && (tls.serverName().isBlank() || tls.serverName().contains("/"))) {
            problems.add(field + ".serverName", "must be a host name, not '" + tls.serverName() + "'");
        }
    }

    /** The file must be readable and hold at least one PEM certificate. */
    private static void certificates(String file, String field, Problems problems) {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            problems.add(field, "cannot read " + file);
            return;
        }
        try (InputStream in = Files.newInputStream(path)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                problems.add(field, file + " holds no PEM certificate");
            }
        } catch (IOException | CertificateException e) {
            problems.add(field, file + " holds no usable PEM certificate: " + e.getMessage());
        }
    }

    private static void positive(Duration timeout, String field, Problems problems) {
        if (timeout.isZero() || timeout.isNegative()) {
            problems.add(field, "must be longer than 0");
        }
    }
}
