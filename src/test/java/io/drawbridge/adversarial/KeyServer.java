package io.drawbridge.adversarial;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback serving JSON documents by path (issuers' JWKS, an attacker's JWKS that a token
 * points at with {@code jku}), counting every request per path, and failing chosen paths with a status.
 */
final class KeyServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, Long> delays = new ConcurrentHashMap<>();

    KeyServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "key-server");
                t.setDaemon(true);
                return t;
            })); // a slow answer must not hold up the others
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            long delay = delays.getOrDefault(path, 0L);
            if (delay > 0) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String document = documents.get(path);
            int status = failures.getOrDefault(path, document == null ? 404 : 200);
            byte[] body = (status == 200 ? document : "{}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Serves the public parts of these keys at {@code path}. */
    KeyServer publish(String path, JWK... keys) {
        documents.put(path, new JWKSet(List.of(keys)).toPublicJWKSet().toString());
        return this;
    }

    /** Answers {@code path} with {@code status} from now on (0: serve normally again). */
    void fail(String path, int status) {
        if (status == 0) {
            failures.remove(path);
        } else {
            failures.put(path, status);
        }
    }

    /** Answers {@code path} only after {@code millis} from now on (0: at once again). */
    void delay(String path, long millis) {
        delays.put(path, millis);
    }

    int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
