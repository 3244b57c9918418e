package io.drawbridge.adversarial;

import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS server name (SNI) against {@code Host}: one certificate for www.example.com and admin.example.com, a public
 * route on www and an authenticated one on admin. A front that filters by SNI must not be walked around by naming
 * the other host inside the encrypted request (domain fronting): when SNI is present and names another host than
 * the request, the answer is 421 Misdirected Request, nothing reaches an upstream, and the connection closes.
 * Letter case, a trailing dot and the port are no mismatch; without SNI the request is routed by {@code Host}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsHostAttacksIT {

    private static final String WWW = "www.example.com";
    private static final String ADMIN = "admin.example.com";

    private final TokenMinter minter = new TokenMinter();
    private final TestUpstream upstream = new TestUpstream();
    private GatewayFixture gateway;
    private Probe probe;
    private X509Certificate certificate;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        certificate = certificate(dir);
        minter.writeJwks(dir.resolve("jwks.json"));
        gateway = start(dir, "");
        probe = new Probe(gateway, upstream);
    }

    private GatewayFixture start(Path dir, String serverFields) {
        return GatewayFixture.start(dir, """
                server:
                  tls:
                    certificateFile: @DIR@/tls.crt
                    keyFile: @DIR@/tls.key
                %s
                @TEST_ISSUER@
                policies:
                  admins:
                    allow:
                      - groups: [admins]
                  open:
                    public: true
                """.formatted(serverFields), Map.of(
                "www.yaml", HeaderSpoofingIT.route("www", "/?host=" + WWW, false, "open"),
                "admin.yaml", HeaderSpoofingIT.route("admin", "/?host=" + ADMIN, true, "admins")),
                Map.of("upstream", upstream.url()));
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
    }

    /** What a row expects: the public www route, the admin route (401 without a token), or 421. */
    enum Expect { WWW, ADMIN, MISDIRECTED }

    static Stream<Arguments> serverNamesAndHosts() {
        return Stream.of(
                Arguments.of("no SNI, Host www", null, "GET /x HTTP/1.1\r\nHost: " + WWW, Expect.WWW),
                Arguments.of("no SNI, Host admin", null, "GET /x HTTP/1.1\r\nHost: " + ADMIN, Expect.ADMIN),
                Arguments.of("SNI www, Host www", WWW, "GET /x HTTP/1.1\r\nHost: " + WWW, Expect.WWW),
                Arguments.of("SNI admin, Host admin", ADMIN, "GET /x HTTP/1.1\r\nHost: " + ADMIN, Expect.ADMIN),
                Arguments.of("SNI www, Host admin", WWW, "GET /x HTTP/1.1\r\nHost: " + ADMIN, Expect.MISDIRECTED),
                Arguments.of("SNI admin, Host www", ADMIN, "GET /x HTTP/1.1\r\nHost: " + WWW, Expect.MISDIRECTED),
                Arguments.of("SNI in upper case", "WWW.EXAMPLE.COM", "GET /x HTTP/1.1\r\nHost: " + WWW, Expect.WWW),
                Arguments.of("Host in mixed case, trailing dot and port", WWW,
                        "GET /x HTTP/1.1\r\nHost: WWW.Example.COM.:8443", Expect.WWW),
                Arguments.of("Host with port 443", ADMIN, "GET /x HTTP/1.1\r\nHost: " + ADMIN + ":443", Expect.ADMIN),
                Arguments.of("SNI of the parent domain", "example.com", "GET /x HTTP/1.1\r\nHost: " + WWW,
                        Expect.MISDIRECTED),
                Arguments.of("SNI with the host as a prefix", WWW + ".evil.test", "GET /x HTTP/1.1\r\nHost: " + WWW,
                        Expect.MISDIRECTED),
                Arguments.of("SNI www, Host an address", WWW, "GET /x HTTP/1.1\r\nHost: 127.0.0.1",
                        Expect.MISDIRECTED),
                Arguments.of("SNI www, HTTP/1.0 without Host", WWW, "GET /x HTTP/1.0", Expect.MISDIRECTED),
                Arguments.of("absolute-form https to the other host", WWW,
                        "GET https://" + ADMIN + "/x HTTP/1.1\r\nHost: " + WWW, Expect.MISDIRECTED),
                Arguments.of("absolute-form http to the other host", WWW,
                        "GET http://" + ADMIN + "/x HTTP/1.1\r\nHost: " + WWW, Expect.MISDIRECTED),
                Arguments.of("absolute-form in upper case to the other host", WWW,
                        "GET HTTPS://ADMIN.EXAMPLE.COM./x HTTP/1.1\r\nHost: " + WWW, Expect.MISDIRECTED),
                Arguments.of("absolute-form matching SNI over another Host", ADMIN,
                        "GET https://" + ADMIN + "/x HTTP/1.1\r\nHost: " + WWW, Expect.ADMIN),
                Arguments.of("X-Forwarded-Host cannot mend a mismatch", WWW,
                        "GET /x HTTP/1.1\r\nHost: " + ADMIN + "\r\nX-Forwarded-Host: " + WWW, Expect.MISDIRECTED),
                Arguments.of("X-Forwarded-Host cannot make one", ADMIN,
                        "GET /x HTTP/1.1\r\nHost: " + ADMIN + "\r\nX-Forwarded-Host: " + WWW, Expect.ADMIN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverNamesAndHosts")
    void aRequestMustNameTheHostItsConnectionWasOpenedFor(String name, String sni, String head, Expect expect) {
        var outcome = send(sni, head + "\r\n\r\n");
        switch (expect) {
            case WWW -> {
                var seen = outcome.forwarded(200);
                assertThat(outcome.audit().path("route").asText()).isEqualTo("www");
                assertThat(seen.all("X-Forwarded-Host")).singleElement()
                        .satisfies(h -> assertThat(h.toLowerCase()).startsWith(WWW));
                assertThat(seen.headers()).noneMatch(h -> h.getValue().contains(ADMIN));
            }
            case ADMIN -> {
                outcome.refused(401, "token-missing");
                assertThat(outcome.audit().path("route").asText()).isEqualTo("admin");
            }
            case MISDIRECTED -> {
                outcome.refused(421, "misdirected-request");
                assertThat(outcome.audit().path("route").isNull()).as("no route ran").isTrue();
                assertThat(outcome.response().text()).contains("\"status\":421").doesNotContain("SNI")
                        .doesNotContain(ADMIN);
            }
            default -> throw new IllegalStateException();
        }
    }

    @Test
    void aKeptAliveConnectionCannotBeReusedForTheOtherHost() {
        int before = probe.upstreamCount();
        String firstId;
        try (var http = new RawHttp(tls(WWW))) {
            var first = http.send("GET /x HTTP/1.1\r\nHost: " + WWW + "\r\n\r\n").read();
            assertThat(first.status()).isEqualTo(200);
            firstId = first.header("X-Request-Id");
            int afterFirst = probe.upstreamCount();
            var second = http.send("GET /x HTTP/1.1\r\nHost: " + ADMIN + "\r\nAuthorization: Bearer "
                    + minter.token("root", List.of("admins")) + "\r\n\r\n").read();
            probe.outcome(second, afterFirst).refused(421, "misdirected-request");
            assertThat(http.closedByServer()).isTrue();
        }
        assertThat(probe.receivedSince(before, firstId)).hasSize(1);
    }

    @Test
    void anAdminTokenOverTheWwwServerNameStillMeets421() {
        var outcome = send(WWW, "GET /x HTTP/1.1\r\nHost: " + ADMIN + "\r\nAuthorization: Bearer "
                + minter.token("root", List.of("admins")) + "\r\n\r\n");
        outcome.refused(421, "misdirected-request");
        var allowed = send(ADMIN, "GET /x HTTP/1.1\r\nHost: " + ADMIN + "\r\nAuthorization: Bearer "
                + minter.token("root", List.of("admins")) + "\r\n\r\n");
        allowed.forwarded(200);
    }

    /** The JDK's client offers no ALPN unless told: HTTP/2 spoken anyway is answered 505, as docs/security.md says. */
    @Test
    void http2OverTlsWithoutAlpnIs505() {
        int before = probe.upstreamCount();
        try (var http = new RawHttp(tls(WWW))) {
            var response = http.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(505);
            assertThat(gateway.audit(response.header("X-Request-Id")).path("status").asInt()).isEqualTo(505);
        }
        assertThat(probe.upstreamCount()).isEqualTo(before);
    }

    @Test
    void aTrustedProxyChoosesItsOwnServerNameAndIsNotHeldToIt(@TempDir Path dir) throws Exception {
        for (String file : List.of("tls.crt", "tls.key", "jwks.json")) {
            Files.copy(gateway.auditFile().resolveSibling(file), dir.resolve(file));
        }
        try (var behindProxy = start(dir, "  trustedProxies: [127.0.0.1]")) {
            var viaProxy = new Probe(behindProxy, upstream);
            int before = viaProxy.upstreamCount();
            try (var http = new RawHttp(tls("drawbridge.internal", behindProxy.port()))) {
                var response = http.send("GET /x HTTP/1.1\r\nHost: " + ADMIN + "\r\n\r\n").read();
                viaProxy.outcome(response, before).refused(401, "token-missing");
            }
        }
    }

    private Probe.Outcome send(String sni, String request) {
        int before = probe.upstreamCount();
        try (var http = new RawHttp(tls(sni))) {
            return probe.outcome(http.send(request).read(), before);
        }
    }

    /**
     * A TLS connection to the gateway sending {@code sni} as server name, or none when null. A new client context
     * each time: the JDK's client resumes a cached session with the server name of that session, whatever it is
     * told.
     */
    private SSLSocket tls(String sni) {
        return tls(sni, gateway.port());
    }

    private SSLSocket tls(String sni, int port) {
        try {
            var socket = (SSLSocket) trusting(certificate).getSocketFactory().createSocket("127.0.0.1", port);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed certificate for both hosts (and 127.0.0.1), made with the JDK's keytool, as PEM files. */
    private static X509Certificate certificate(Path dir) throws Exception {
        Path store = dir.resolve("tls.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "gw", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + WWW,
                "-ext", "SAN=dns:" + WWW + ",dns:" + ADMIN + ",ip:127.0.0.1", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as(out).isTrue();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        var cert = (X509Certificate) keys.getCertificate("gw");
        var key = (PrivateKey) keys.getKey("gw", "changeit".toCharArray());
        Files.writeString(dir.resolve("tls.key"), pem("PRIVATE KEY", key.getEncoded()));
        Files.writeString(dir.resolve("tls.crt"), pem("CERTIFICATE", cert.getEncoded()));
        return cert;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static SSLContext trusting(X509Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gw", cert);
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
