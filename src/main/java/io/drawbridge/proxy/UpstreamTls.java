package io.drawbridge.proxy;

import io.drawbridge.config.UpstreamTlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named set of upstream TLS settings: whom to trust, which client certificate to present, which name to
 * verify. New connections get the files' current contents: at most once a second a connection checks whether a
 * file changed and, if so, reads them all again; a renewal that cannot be used (half-written, mismatched) is
 * logged and the previous settings stay. Host names are always verified.
 */
public final class UpstreamTls {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamTls.class);
    private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

    private final String name;
    private final UpstreamTlsConfig config;
    private final List<Path> files = new ArrayList<>();
    private volatile SslContext context;
    private volatile List<FileTime> loadedTimes;
    private volatile long checked;

    /** Settings whose files cannot be used: names the configuration field. */
    public static final class Unusable extends IllegalArgumentException {
        private final String field;

        Unusable(String field, String message, Throwable cause) {
            super(message, cause);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /**
     * @throws Unusable saying which file cannot be used and why
     */
    public UpstreamTls(String name, UpstreamTlsConfig config) {
        this.name = name;
        this.config = config;
        for (String file : new String[] {config.caFile(), config.certificateFile(), config.keyFile()}) {
            if (file != null) {
                files.add(Path.of(file));
            }
        }
        try {
            load();
        } catch (IOException | IllegalArgumentException e) {
            throw new Unusable("upstreams.tls." + name, e.getMessage(), e);
        }
        checked = System.nanoTime();
    }

    /** The JDK's trust store and the URL's host: what an upstream without named settings gets. */
    static SslContext defaultContext() {
        try {
            return SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up TLS for upstreams", e);
        }
    }

    public String name() {
        return name;
    }

    /** A TLS handler for a new connection to {@code host:port}, verifying the configured name (or the host). */
    SslHandler handler(ByteBufAllocator alloc, String host, int port) {
        return handler(current(), config.serverName() != null ? config.serverName() : host, port, alloc);
    }

    static SslHandler handler(SslContext context, String serverName, int port, ByteBufAllocator alloc) {
        SSLEngine engine = context.newEngine(alloc, serverName, port); // also the SNI the upstream sees
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        return new SslHandler(engine);
    }

    private SslContext current() {
        long now = System.nanoTime();
        if (now - checked >= CHECK_EVERY_NANOS) {
            checked = now;
            reloadIfChanged();
        }
        return context;
    }

    private synchronized void reloadIfChanged() {
        try {
            if (times().equals(loadedTimes)) {
                return;
            }
            load();
            LOG.info("upstream TLS settings {} reloaded", name);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("upstream TLS settings {} not reloaded, the previous ones stay: {}", name, e.getMessage());
        }
    }

    private List<FileTime> times() throws IOException {
        List<FileTime> times = new ArrayList<>();
        for (Path file : files) {
            times.add(Files.getLastModifiedTime(file));
        }
        return times;
    }

    private void load() throws IOException {
        List<FileTime> times = times();
        // The JDK's TLS towards upstreams, as before OpenSSL came onto the class path for the listener.
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        if (config.caFile() != null) {
            builder.trustManager(read(config.caFile(), "caFile").toFile());
        }
        if (config.certificateFile() != null) {
            builder.keyManager(read(config.certificateFile(), "certificateFile").toFile(),
                    read(config.keyFile(), "keyFile").toFile());
        }
        try {
            SslContext built = builder.build();
            // Making an engine parses the key against the certificate: a mismatch shows now, not at a request.
            built.newEngine(ByteBufAllocator.DEFAULT).closeOutbound();
            context = built;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use " + String.join(", ", files.stream().map(Path::toString)
                    .toList()) + ": " + Objects.toString(e.getMessage(), e.getClass().getSimpleName()), e);
        }
        loadedTimes = times;
    }

    private static Path read(String file, String field) throws IOException {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw new IOException(field + " " + file + " cannot be read");
        }
        return path;
    }
}
