package io.drawbridge.edge;

import io.drawbridge.config.ServerConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's certificate and key, from PEM files, for TLS 1.2 and 1.3 only. New connections get the files'
 * current contents: at most once a second a connection checks whether either file changed and, if so, reads both
 * again. A renewal that cannot be read (half-written, mismatched) is logged and the previous certificate stays.
 */
final class TlsCertificates {

    private static final Logger LOG = LoggerFactory.getLogger(TlsCertificates.class);
    private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

    private final Path certificate;
    private final Path key;
    private volatile SslContext context;
    private volatile FileTime certificateTime;
    private volatile FileTime keyTime;
    private volatile long checked;

    /** @throws IllegalArgumentException when the files cannot be read as a certificate chain and its key */
    TlsCertificates(ServerConfig.Tls tls) {
        this.certificate = Path.of(tls.certificateFile());
        this.key = Path.of(tls.keyFile());
        try {
            load();
        } catch (IOException e) {
            throw new IllegalArgumentException("server.tls: cannot use " + certificate + " and " + key + ": "
                    + e.getMessage(), e);
        }
        checked = System.nanoTime();
    }

    /** The context for a new connection, reloaded first when the files changed. */
    SslContext current() {
        long now = System.nanoTime();
        if (now - checked >= CHECK_EVERY_NANOS) {
            checked = now;
            reloadIfChanged();
        }
        return context;
    }

    private synchronized void reloadIfChanged() {
        try {
            if (Files.getLastModifiedTime(certificate).equals(certificateTime)
                    && Files.getLastModifiedTime(key).equals(keyTime)) {
                return;
            }
            load();
            LOG.info("TLS certificate reloaded from {}", certificate);
        } catch (IOException | RuntimeException e) {
            LOG.warn("TLS certificate in {} not reloaded, the previous one stays: {}", certificate, e.getMessage());
        }
    }

    private void load() throws IOException {
        FileTime certTime = Files.getLastModifiedTime(certificate);
        FileTime keyFileTime = Files.getLastModifiedTime(key);
        try {
            // OpenSSL (BoringSSL, netty-tcnative) when the platform has it: in the bench it took a fraction of the
            // JDK's CPU per request (bench/README.md); the JDK's TLS otherwise.
            context = SslContextBuilder.forServer(certificate.toFile(), key.toFile())
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols(SslProtocols.TLS_v1_3, SslProtocols.TLS_v1_2)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        certificateTime = certTime;
        keyTime = keyFileTime;
    }
}
