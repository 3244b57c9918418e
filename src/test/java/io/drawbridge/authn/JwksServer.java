package io.drawbridge.authn;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 and a free port, serving JSON documents by path (a JWKS, a discovery
 * document) and counting the requests to each path. It can be made to fail with a status.
 */
final class JwksServer implements AutoCloseable {

    static final String JWKS_PATH = "/jwks";

    private final HttpServer server;
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private volatile int failure;

    private JwksServer(HttpServer server) {
        this.server = server;
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            String document = documents.get(path);
            int status = failure != 0 ? failure : document == null ? 404 : 200;
            byte[] body = (status == 200 ? document : "{\"error\":\"unavailable\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    static JwksServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            JwksServer jwks = new JwksServer(server);
            server.start();
            return jwks;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String url(String path) {
        return baseUrl() + path;
    }

    /** Serves these keys' public parts, in this order, at {@link #JWKS_PATH}. */
    JwksServer publish(JWK... keys) {
        documents.put(JWKS_PATH, new JWKSet(List.of(keys)).toPublicJWKSet().toString());
        return this;
    }

    JwksServer serve(String path, String json) {
        documents.put(path, json);
        return this;
    }

    /** Every request from now on gets this status (0: serve normally again). */
    void failWith(int status) {
        failure = status;
    }

    int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    int totalHits() {
        return hits.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
