package io.drawbridge.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drawbridge.page.AccessDurations;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells approvers of each new request where they already are: one JSON event per request to every
 * {@code access.notify} Camel endpoint ({@code https://hooks.slack.com/...}, {@code mail:}, {@code kafka:}), with a
 * link to the approval page; and always a log line. Sent in the background, one at a time: a slow or failing
 * endpoint never holds up the request, and a failure is logged with the endpoint's scheme and the error's type
 * only (an endpoint URI often holds a secret; the reason is the requester's text).
 *
 * <pre>{"type":"access-requested","id":"…","route":"grafana","requester":{"name":"bob","email":"…"},
 *  "duration":"1h","reason":"…","createdAt":"…","expiresAt":"…","link":"https://gw/.drawbridge/access"}</pre>
 */
public final class AccessNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<CamelContext> camel;
    private final List<String> endpoints;
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1000), r -> {
                Thread t = new Thread(r, "drawbridge-access-notify");
                t.setDaemon(true);
                return t;
            });
    private volatile ProducerTemplate template;

    public AccessNotifier(Supplier<CamelContext> camel, List<String> endpoints) {
        this.camel = camel;
        this.endpoints = List.copyOf(endpoints);
    }

    /** Announces a new request; returns at once. */
    public void announce(AccessRequest request, String link) {
        LOG.info("access request {}: {} asks for route {} for {}; approvers decide at {}", request.id(),
                request.requester().name(), request.route(), request.duration(), link);
        if (endpoints.isEmpty()) {
            return;
        }
        String event = event(request, link);
        for (String endpoint : endpoints) {
            try {
                sender.execute(() -> send(endpoint, event, request.id()));
            } catch (RejectedExecutionException e) {
                LOG.warn("access request {}: notification to {} dropped: too many waiting", request.id(),
                        scheme(endpoint));
            }
        }
    }

    private void send(String endpoint, String event, String id) {
        try {
            CamelContext context = camel.get();
            if (context == null) {
                throw new IllegalStateException("Camel is not started");
            }
            if (template == null) {
                template = context.createProducerTemplate();
            }
            template.sendBodyAndHeaders(endpoint, event, Map.of("Content-Type", "application/json",
                    "CamelHttpMethod", "POST"));
        } catch (RuntimeException e) {
            LOG.warn("access request {}: notification to {} failed ({})", id, scheme(endpoint),
                    e.getClass().getSimpleName());
        }
    }

    static String event(AccessRequest request, String link) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "access-requested");
        node.put("id", request.id());
        node.put("route", request.route());
        node.set("requester", JSON.createObjectNode().put("name", request.requester().name())
                .put("email", request.requester().email()));
        node.put("duration", AccessDurations.text(request.duration()));
        node.put("reason", request.reason());
        node.put("createdAt", DateTimeFormatter.ISO_INSTANT.format(request.createdAt()));
        node.put("expiresAt", request.expiresAt() == null ? null
                : DateTimeFormatter.ISO_INSTANT.format(request.expiresAt()));
        node.put("link", link);
        return node.toString();
    }

    private static String scheme(String endpoint) {
        int colon = endpoint.indexOf(':');
        return colon < 0 ? "?" : endpoint.substring(0, colon + 1) + "***";
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.shutdownNow();
        if (template != null) {
            try {
                template.stop();
            } catch (RuntimeException e) {
                LOG.debug("stopping the notification template: {}", e.toString());
            }
        }
    }
}
