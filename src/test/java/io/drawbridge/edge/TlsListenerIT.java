package io.drawbridge.edge;

import io.drawbridge.Gateway;
import io.drawbridge.authn.IssuersCheck;
import io.drawbridge.config.ConfigLoader;
import io.drawbridge.policy.PolicyCheck;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS on the listener from PEM files (made here with the JDK's keytool): HTTPS with HSTS, TLS 1.2 and 1.3 only, a
 * renewed certificate picked up without a restart, and the plain-HTTP port that only redirects.
 */
class TlsListenerIT {

    @TempDir
    Path dir;
    Gateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** A self-signed certificate for 127.0.0.1 as PEM files; returns it for the client to trust. */
    X509Certificate certificate(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Files.deleteIfExists(store);
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "gw", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as(out).isTrue();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        var cert = (X509Certificate) keys.getCertificate("gw");
        var key = (PrivateKey) keys.getKey("gw", "changeit".toCharArray());
        Path certFile = dir.resolve("tls.crt");
        Path keyFile = dir.resolve("tls.key");
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        FileTime later = FileTime.from(Instant.now().plusSeconds(counter++ * 5L));
        Files.setLastModifiedTime(certFile, later);
        Files.setLastModifiedTime(keyFile, later);
        return cert;
    }

    int counter;

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    Gateway start() throws Exception {
        Files.writeString(dir.resolve("public.yaml"), """
                - route:
                    id: hello
                    from:
                      uri: gateway:/hello
                      steps:
                        - to: drawbridge:authorize?policy=public
                        - setBody:
                            constant: hello
                """);
        Path config = Files.writeString(dir.resolve("drawbridge.yaml"), """
                server:
                  host: 127.0.0.1
                  port: 0
                  tls:
                    certificateFile: %s
                    keyFile: %s
                    redirectPort: 0
                    hsts: 180d
                policies:
                  public:
                    public: true
                management:
                  port: 0
                audit:
                  file: %s
                routes:
                  - file:%s
                """.formatted(dir.resolve("tls.crt"), dir.resolve("tls.key"), dir.resolve("audit.jsonl"),
                dir.resolve("public.yaml")));
        var loader = new ConfigLoader(System::getenv, List.of(new IssuersCheck(), new PolicyCheck()));
        return Gateway.start(loader.load(config), Map.of(), List.of(), List.of());
    }

    static SSLContext trusting(X509Certificate cert, String protocol) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gw", cert);
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    @Test
    void servesHttpsWithStrictTransportSecurity() throws Exception {
        X509Certificate cert = certificate("first");
        gateway = start();
        var client = HttpClient.newBuilder().sslContext(trusting(cert, "TLS")).build();

        var response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gateway.port()
                + "/hello")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");
        assertThat(response.headers().firstValue("Strict-Transport-Security")).contains("max-age=15552000");
    }

    @Test
    void speaksTls12And13Only() throws Exception {
        X509Certificate cert = certificate("first");
        gateway = start();
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            try (var socket = (SSLSocket) trusting(cert, protocol).getSocketFactory()
                    .createSocket("127.0.0.1", gateway.port())) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setProtocols(new String[] {protocol});
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            }
        }
        assertThat(java.util.Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getProtocols()))
                .as("the JDK could offer older protocols; the listener is configured without them").isNotEmpty();
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestart() throws Exception {
        X509Certificate first = certificate("first");
        gateway = start();
        X509Certificate second = certificate("second");
        Thread.sleep(1200); // the files are looked at no more than once a second

        try (var socket = (SSLSocket) trusting(second, "TLS").getSocketFactory()
                .createSocket("127.0.0.1", gateway.port())) {
            socket.startHandshake(); // a connection made after the renewal to trigger the check
        } catch (javax.net.ssl.SSLHandshakeException stillOld) {
            // that connection may still have been given the previous certificate
        }
        try (var socket = (SSLSocket) trusting(second, "TLS").getSocketFactory()
                .createSocket("127.0.0.1", gateway.port())) {
            socket.startHandshake();
            var served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertThat(served.getSerialNumber()).isEqualTo(second.getSerialNumber())
                    .isNotEqualTo(first.getSerialNumber());
        }
    }

    @Test
    void thePlainPortOnlyRedirectsToHttps() throws Exception {
        certificate("first");
        gateway = start();
        var client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        String plain = "http://127.0.0.1:" + gateway.redirectPort();

        var response = client.send(HttpRequest.newBuilder(URI.create(plain + "/hello?x=1")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(308);
        assertThat(response.headers().firstValue("Location"))
                .contains("https://127.0.0.1:" + gateway.port() + "/hello?x=1");
        assertThat(HttpsRedirectListener.target("evil.example/x", "/", 443)).isNull();
        assertThat(HttpsRedirectListener.target("portal.example.com:80", "//evil.example/", 443))
                .isEqualTo("https://portal.example.com/");
        assertThat(HttpsRedirectListener.target("[::1]:8080", "/a", 8443)).isEqualTo("https://[::1]:8443/a");
    }
}
