package io.drawbridge.proxy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.drawbridge.config.ConfigLoader;
import io.drawbridge.config.InvalidConfiguration;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Upstreams with their own TLS: a private trust anchor, a server name other than the URL's host, and mutual TLS
 * against an HTTPS upstream that demands a client certificate; client certificate files reloaded when they change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamTlsIT {

    private Path dir;
    private HttpsServer upstream;
    private GatewayFixture gateway;

    /** A self-signed key pair made by the JDK's keytool; PEM files {@code name.crt} and {@code name.key}. */
    private KeyStore keyPair(String name, String san) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "SAN=" + san, "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as(out).isTrue();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        Files.writeString(dir.resolve(name + ".crt"), pem("CERTIFICATE", keys.getCertificate(name).getEncoded()));
        Files.writeString(dir.resolve(name + ".key"), pem("PRIVATE KEY",
                ((PrivateKey) keys.getKey(name, "changeit".toCharArray())).getEncoded()));
        return keys;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        KeyStore server = keyPair("upstream", "dns:upstream.internal"); // not 127.0.0.1: only serverName verifies
        KeyStore trustedClient = keyPair("gateway-client", "dns:gateway");
        keyPair("stranger", "dns:stranger");

        var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(server, "changeit".toCharArray());
        KeyStore clients = KeyStore.getInstance("PKCS12");
        clients.load(null, null);
        clients.setCertificateEntry("gateway", trustedClient.getCertificate("gateway-client"));
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(clients);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        upstream = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                var ssl = tls.getDefaultSSLParameters();
                ssl.setNeedClientAuth(true); // no client certificate, no connection
                params.setSSLParameters(ssl);
            }
        });
        upstream.createContext("/", exchange -> {
            var peer = (X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0];
            byte[] body = ("hello " + peer.getSubjectX500Principal().getName()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        // The client certificate files the "rotating" settings read start out holding one the upstream refuses.
        Files.copy(dir.resolve("stranger.crt"), dir.resolve("rotating.crt"));
        Files.copy(dir.resolve("stranger.key"), dir.resolve("rotating.key"));
        gateway = GatewayFixture.start(dir, """
                policies:
                  open:
                    public: true
                upstreams:
                  tls:
                    mutual:
                      caFile: @DIR@/upstream.crt
                      certificateFile: @DIR@/gateway-client.crt
                      keyFile: @DIR@/gateway-client.key
                      serverName: upstream.internal
                    no-client-cert:
                      caFile: @DIR@/upstream.crt
                      serverName: upstream.internal
                    wrong-name:
                      caFile: @DIR@/upstream.crt
                      certificateFile: @DIR@/gateway-client.crt
                      keyFile: @DIR@/gateway-client.key
                    rotating:
                      caFile: @DIR@/upstream.crt
                      certificateFile: @DIR@/rotating.crt
                      keyFile: @DIR@/rotating.key
                      serverName: upstream.internal
                """, Map.of(
                "mutual.yaml", route("mutual", "tls=mutual"),
                "nocert.yaml", route("nocert", "tls=no-client-cert"),
                "wrongname.yaml", route("wrongname", "tls=wrong-name"),
                "rotating.yaml", route("rotating", "tls=rotating"),
                "jdk.yaml", route("jdk", "")), Map.of("upstream",
                "https://127.0.0.1:" + upstream.getAddress().getPort()));
    }

    private static String route(String id, String option) {
        return """
                - route:
                    id: %s
                    from:
                      uri: gateway:/%s
                      steps:
                        - to: drawbridge:authorize?policy=open
                        - to: "drawbridge:proxy?upstream={{upstream}}&stripPrefix=true%s"
                """.formatted(id, id, option.isEmpty() ? "" : "&" + option);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.stop(0);
    }

    private RawHttp.Response get(String path) {
        return RawHttp.exchange(gateway.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }

    @Test
    void mutualTlsWithAPrivateCaAndAServerNameReachesAnUpstreamThatDemandsAClientCertificate() {
        RawHttp.Response response = get("/mutual/x");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("hello CN=gateway-client");
        assertThat(get("/mutual/y").status()).as("pooled and reused").isEqualTo(200);
    }

    @Test
    void withoutAClientCertificateTheWrongNameOrTheJdkTrustStoreTheUpstreamIsNotReached() {
        for (String path : new String[] {"/nocert/x", "/wrongname/x", "/jdk/x"}) {
            RawHttp.Response response = get(path);
            assertThat(response.status()).as(path).isEqualTo(502);
            assertThat(gateway.audit(response.header("X-Request-Id")).path("reason").asText()).as(path)
                    .startsWith("upstream-");
        }
    }

    @Test
    void aClientCertificateRenewedOnDiskIsUsedForNewConnections() throws Exception {
        assertThat(get("/rotating/x").status()).isEqualTo(502);
        Files.copy(dir.resolve("gateway-client.crt"), dir.resolve("rotating.crt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("gateway-client.key"), dir.resolve("rotating.key"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        FileTime later = FileTime.from(Instant.now().plusSeconds(10));
        Files.setLastModifiedTime(dir.resolve("rotating.crt"), later);
        Files.setLastModifiedTime(dir.resolve("rotating.key"), later);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int status;
        do {
            Thread.sleep(200);
            status = get("/rotating/x").status();
        } while (status != 200 && System.nanoTime() < deadline);
        assertThat(status).isEqualTo(200);
    }

    @Test
    void unusableFilesRefuseTheConfigurationNamingFileLineAndField(@TempDir Path other) throws Exception {
        Files.writeString(other.resolve("not-a-cert.pem"), "hello");
        Path config = Files.writeString(other.resolve("drawbridge.yaml"), """
                upstreams:
                  tls:
                    broken:
                      caFile: %s
                      certificateFile: %s
                """.formatted(other.resolve("not-a-cert.pem"), dir.resolve("gateway-client.crt")));
        assertThatThrownBy(() -> new ConfigLoader().load(config)).isInstanceOf(InvalidConfiguration.class)
                .hasMessageContaining("drawbridge.yaml:4: upstreams.tls.broken.caFile")
                .hasMessageContaining("holds no")
                .hasMessageContaining("upstreams.tls.broken.keyFile: a client certificate needs both");
    }
}
