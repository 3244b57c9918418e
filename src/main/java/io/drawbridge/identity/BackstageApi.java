package io.drawbridge.identity;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * JSON over HTTP with a Backstage backend's catalog API ({@code <base>/api/catalog/}): the static token on every
 * request, redirects never followed, each exchange done within {@code timeout} (connect to last byte), answers
 * over {@link #MAX_BODY} bytes refused. Anything but a 200 with well-formed JSON is {@link CatalogUnavailable}
 * (a 404 may be asked to mean "none"). The token is never shown.
 */
final class BackstageApi {

    /** The largest answer read, per request. */
    static final int MAX_BODY = 4 << 20;
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final URI api;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;

    BackstageApi(URI baseUrl, String token, Duration timeout) {
        this.api = URI.create(baseUrl.toString().replaceAll("/+$", "") + "/api/catalog/");
        this.authorization = "Bearer " + token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** @param path relative to the catalog API, with its query, already encoded */
    Optional<JsonNode> get(String path, boolean notFoundIsEmpty) {
        return send(request(path).GET().build(), notFoundIsEmpty);
    }

    JsonNode post(String path, JsonNode body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), false).orElseThrow();
    }

    @Override
    public String toString() {
        return api.toString();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(api.resolve(path)).timeout(timeout)
                .header("Authorization", authorization).header("Accept", "application/json");
    }

    private Optional<JsonNode> send(HttpRequest request, boolean notFoundIsEmpty) {
        String what = request.method() + " " + request.uri().getRawPath();
        HttpResponse<byte[]> response;
        var pending = http.sendAsync(request, info -> LimitedBody.subscriber(MAX_BODY));
        try {
            response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new CatalogUnavailable(what + ": no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new CatalogUnavailable(what + ": interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpTimeoutException) {
                throw new CatalogUnavailable(what + ": no answer within " + timeout.toMillis() + " ms");
            }
            throw new CatalogUnavailable(what + ": " + e.getCause(), e.getCause());
        }
        if (response.statusCode() == 404 && notFoundIsEmpty) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new CatalogUnavailable(what + ": status " + response.statusCode());
        }
        try {
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new CatalogUnavailable(what + ": malformed JSON");
        }
    }
}
