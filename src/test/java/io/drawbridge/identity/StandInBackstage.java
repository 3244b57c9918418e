package io.drawbridge.identity;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for Backstage's catalog API on 127.0.0.1 and a free port: canned answers per method and path
 * (answers recorded from the real backend), every request remembered so tests can count catalog calls.
 */
final class StandInBackstage implements AutoCloseable {

    static final String TOKEN = "stand-in-token-0123456789";

    /** Answers one request; may block (until the server is closed) to play a slow catalog. */
    @FunctionalInterface
    interface Answer {
        Reply answer(String query, String body) throws Exception;
    }

    record Reply(int status, String body) {
        static Reply json(String body) {
            return new Reply(200, body);
        }
    }

    /** Method, path and query of a request, and the Authorization header it came with. */
    record Request(String method, String path, String query, String authorization) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private StandInBackstage() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    static StandInBackstage start() {
        return new StandInBackstage();
    }

    /** Answers {@code method path} (e.g. {@code GET /api/catalog/entities/by-query}) from now on. */
    StandInBackstage on(String method, String path, Answer answer) {
        answers.put(method + " " + path, answer);
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    BackstageCatalog catalog(java.time.Duration timeout) {
        return new BackstageCatalog(java.net.URI.create(url()), TOKEN, timeout);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    long calls(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(method, path, exchange.getRequestURI().getQuery(),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            Answer answer = answers.get(method + " " + path);
            Reply reply;
            try {
                reply = answer == null ? new Reply(404, "{\"error\":{\"name\":\"NotFoundError\"}}")
                        : answer.answer(exchange.getRequestURI().getQuery(), body);
            } catch (InterruptedException e) {
                return; // closed while playing a slow catalog
            } catch (Exception e) {
                reply = new Reply(500, "{\"error\":{\"name\":\"" + e.getClass().getSimpleName() + "\"}}");
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
