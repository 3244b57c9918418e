package io.drawbridge.testing;

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
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback and a free port, serving JSON documents by path (issuers' JWKS, a discovery
 * document, an attacker's JWKS that a token points at with {@code jku}), counting every request per path, and
 * failing or delaying chosen paths (or all of them) on demand.
 */
public final class KeyServer implements AutoCloseable {

    /** Where {@link #publish(JWK...)} serves the keys. */
    public static final String JWKS_PATH = "/jwks";

    private final HttpServer server;
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, Long> delays = new ConcurrentHashMap<>();
    private volatile int failure;

    public KeyServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
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
            int status = failure != 0 ? failure : failures.getOrDefault(path, document == null ? 404 : 200);
            byte[] body = (status == 200 ? document : "{\"error\":\"unavailable\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** A started server. */
    public static KeyServer start() {
        return new KeyServer();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String url(String path) {
        return baseUrl() + path;
    }

    /** Serves these keys' public parts, in this order, at {@link #JWKS_PATH}. */
    public KeyServer publish(JWK... keys) {
        return publish(JWKS_PATH, keys);
    }

    /** Serves the public parts of these keys at {@code path}. */
    public KeyServer publish(String path, JWK... keys) {
        documents.put(path, new JWKSet(List.of(keys)).toPublicJWKSet().toString());
        return this;
    }

    public KeyServer serve(String path, String json) {
        documents.put(path, json);
        return this;
    }

    /** Every request from now on gets this status (0: serve normally again). */
    public void failWith(int status) {
        failure = status;
    }

    /** Answers {@code path} with {@code status} from now on (0: serve normally again). */
    public void fail(String path, int status) {
        if (status == 0) {
            failures.remove(path);
        } else {
            failures.put(path, status);
        }
    }

    /** Answers {@code path} only after {@code millis} from now on (0: at once again). */
    public void delay(String path, long millis) {
        delays.put(path, millis);
    }

    public int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    public int totalHits() {
        return hits.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
