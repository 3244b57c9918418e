package io.drawbridge.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.authn.session.SameOrigin;
import io.drawbridge.config.ConfigDuration;
import io.drawbridge.edge.BadRequest;
import io.drawbridge.edge.ClientRequest;
import io.drawbridge.identity.Identity;
import io.drawbridge.page.AccessDurations;
import io.drawbridge.page.AccessPage;
import io.drawbridge.page.HtmlPage;
import io.drawbridge.policy.Decision;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * {@code /.drawbridge/access}: the access requests' JSON API and pages, behind the authenticate step (session
 * cookie or bearer token). Blocking work (the store, the catalog) runs on its own executor.
 * <pre>
 *   GET  /.drawbridge/access                          the page: inbox and "My access"
 *   POST /.drawbridge/access/requests                 {"route","duration","reason"} → 201 the request
 *   GET  /.drawbridge/access/requests?role=approver   the requests the caller may decide (default: their own)
 *   POST /.drawbridge/access/requests/{id}/approve    {"duration"} optional, at most the one asked for
 *   POST /.drawbridge/access/requests/{id}/reject | /withdraw
 *   GET  /.drawbridge/access/grants                   the caller's active grants
 *   POST /.drawbridge/access/grants/{id}/revoke       the holder gives it up, or an approver ends it
 * </pre>
 * A POST changes state, so it must carry a bearer token (which no other site can make a browser send) or prove it
 * comes from a page of this origin, as the sign-out form does; else 403 {@code access-cross-site}. Browsers post
 * forms ({@code application/x-www-form-urlencoded}) and are sent back to the page (303); API clients post JSON and
 * get JSON. Refusals are {@link AccessRefused}: the edge answers them with their stable reason code.
 */
public final class AccessApi extends AsyncProcessorSupport {

    /** Where the API and the page live. */
    public static final String PATH = "/.drawbridge/access";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Decision SIGNED_IN = Decision.allow(Reason.RULE_MATCHED, "built-in:access", "signed-in");

    private final AccessDesk desk;
    private final Executor executor;
    private final String gatewayName;
    private final String signOutPath;
    private final Function<Identity, List<String>> reachable;
    private final Supplier<String> publicBase;

    /**
     * @param reachable  the routes an identity's policies let in now (blocking allowed: it runs on the executor)
     * @param publicBase the gateway's public address for links, {@code https://gw.example.com}
     */
    public AccessApi(AccessDesk desk, Executor executor, String gatewayName, String signOutPath,
                     Function<Identity, List<String>> reachable, Supplier<String> publicBase) {
        this.publicBase = publicBase;
        this.desk = desk;
        this.executor = executor;
        this.gatewayName = gatewayName;
        this.signOutPath = signOutPath;
        this.reachable = reachable;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        exchange.setProperty(ExchangeKeys.DECISION, SIGNED_IN);
        try {
            executor.execute(() -> {
                try {
                    handle(exchange);
                } catch (RuntimeException e) {
                    exchange.setException(e);
                } finally {
                    callback.done(false);
                }
            });
            return false;
        } catch (RejectedExecutionException e) {
            exchange.setException(new AccessStoreUnavailable("no worker free for the access API"));
            callback.done(true);
            return true;
        }
    }

    void handle(Exchange exchange) {
        Message message = exchange.getMessage();
        Identity who = exchange.getProperty(ExchangeKeys.IDENTITY, Identity.class);
        if (who == null) {
            throw new IllegalStateException("the access API must follow drawbridge:authenticate");
        }
        String method = message.getHeader(Exchange.HTTP_METHOD, String.class);
        String path = message.getHeader(Exchange.HTTP_PATH, String.class);
        String rest = path.length() > PATH.length() ? path.substring(PATH.length()) : "";
        List<String> parts = new ArrayList<>();
        for (String part : rest.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        boolean get = "GET".equals(method) || "HEAD".equals(method);
        if (parts.isEmpty() && get) {
            page(exchange, who);
            return;
        }
        if (parts.equals(List.of("requests")) && get) {
            String role = query(message).getOrDefault("role", "requester");
            json(exchange, 200, requests(role.equals("approver") ? desk.inbox(who) : desk.requestsOf(who)));
            return;
        }
        if (parts.equals(List.of("grants")) && get) {
            ArrayNode grants = JSON.createArrayNode();
            desk.grantsOf(who).forEach(g -> grants.add(grant(g)));
            json(exchange, 200, JSON.createObjectNode().set("grants", grants));
            return;
        }
        if (!"POST".equals(method)) {
            throw new BadRequest(Reason.METHOD_REJECTED, method + " " + path);
        }
        ClientRequest client = exchange.getProperty(ExchangeKeys.CLIENT_REQUEST, ClientRequest.class);
        if (!bearer(client) && !SameOrigin.proven(message, client == null ? null : client.hostHeader())) {
            throw new AccessRefused(Reason.ACCESS_CROSS_SITE, "POST " + path + " without a bearer token or a"
                    + " same-origin proof");
        }
        boolean form = isForm(message);
        Map<String, String> body = body(message, form);
        Object answer;
        int status = 200;
        if (parts.equals(List.of("requests"))) {
            answer = request(desk.submit(who, body.get("route"), duration(body.get("duration")), body.get("reason"),
                    origin(client)));
            status = 201;
        } else if (parts.size() == 3 && parts.get(0).equals("requests")) {
            String id = parts.get(1);
            answer = switch (parts.get(2)) {
                case "approve" -> grant(desk.approve(who, id, duration(body.get("duration"))));
                case "reject" -> request(desk.reject(who, id));
                case "withdraw" -> request(desk.withdraw(who, id));
                default -> throw new AccessRefused(Reason.ACCESS_INVALID, "unknown action " + parts.get(2));
            };
        } else if (parts.size() == 3 && parts.get(0).equals("grants") && parts.get(2).equals("revoke")) {
            answer = grant(desk.revoke(who, parts.get(1)));
        } else {
            throw new AccessRefused(Reason.ACCESS_INVALID, "no such access call: POST " + path);
        }
        if (form) {
            message.getHeaders().clear();
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 303);
            message.setHeader("Location", PATH);
            message.setHeader("Cache-Control", "no-store");
            message.setBody(null);
            return;
        }
        json(exchange, status, answer);
    }

    private void page(Exchange exchange, Identity who) {
        Instant now = desk.now();
        List<AccessPage.Pending> inbox = new ArrayList<>();
        Map<Requester, List<String>> groups = new HashMap<>();
        for (AccessRequest r : desk.inbox(who)) {
            List<String> theirs = groups.computeIfAbsent(r.requester(), desk::currentGroups);
            inbox.add(new AccessPage.Pending(r.id(), r.requester().name(), r.requester().email(), r.route(),
                    r.reason(), AccessDurations.text(r.duration()), theirs,
                    AccessDurations.waited(Duration.between(r.createdAt(), now)),
                    AccessDurations.choices(r.duration(), r.duration())));
        }
        List<AccessPage.Held> grants = desk.grantsOf(who).stream().map(g -> new AccessPage.Held(g.id(), g.route(),
                DateTimeFormatter.ISO_INSTANT.format(g.endsAt()), g.approvedBy())).toList();
        List<AccessPage.Asked> asked = desk.requestsOf(who).stream().filter(r -> r.state() == RequestState.PENDING)
                .map(r -> new AccessPage.Asked(r.id(), r.route(), AccessDurations.text(r.duration()), r.reason(),
                        r.state().name().toLowerCase(Locale.ROOT), DateTimeFormatter.ISO_INSTANT.format(r.createdAt())))
                .toList();
        String html = AccessPage.render(new AccessPage.View(who.user(), signOutPath, PATH, inbox, grants, asked,
                reachable.apply(who)), gatewayName);
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader("Content-Type", "text/html; charset=utf-8");
        message.setHeader("Cache-Control", "no-store");
        message.setHeader("Content-Security-Policy", HtmlPage.CONTENT_SECURITY_POLICY);
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("Referrer-Policy", "no-referrer");
        message.setBody(html);
    }

    /** Authenticated by a bearer token the client sent itself: no other site can make a browser send one. */
    private static boolean bearer(ClientRequest client) {
        String authorization = client == null ? null : client.head().headers().get("Authorization");
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    /**
     * The gateway's public address, for the approval link: never the request's Host header, which the requester
     * chooses (a link to another site in the approvers' chat would be a phishing kit).
     */
    private String origin(ClientRequest client) {
        return publicBase.get();
    }

    private static boolean isForm(Message message) {
        String type = message.getHeader("Content-Type", String.class);
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /** The call's fields: a form's, or a JSON object's text members; nothing at all is an empty call. */
    private static Map<String, String> body(Message message, boolean form) {
        byte[] bytes = message.getBody(byte[].class);
        Map<String, String> fields = new HashMap<>();
        if (bytes == null || bytes.length == 0) {
            return fields;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (form) {
            return decode(text);
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (IOException e) {
            throw new AccessRefused(Reason.ACCESS_INVALID, "the body is not JSON");
        }
        if (!tree.isObject()) {
            throw new AccessRefused(Reason.ACCESS_INVALID, "the body is not a JSON object");
        }
        for (String name : List.of("route", "duration", "reason")) {
            JsonNode value = tree.get(name);
            if (value != null && !value.isNull()) {
                if (!value.isTextual()) {
                    throw new AccessRefused(Reason.ACCESS_INVALID, name + " must be a string");
                }
                fields.put(name, value.textValue());
            }
        }
        return fields;
    }

    private static Map<String, String> query(Message message) {
        String query = message.getHeader(Exchange.HTTP_QUERY, String.class);
        return query == null ? Map.of() : decode(query);
    }

    private static Map<String, String> decode(String text) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    fields.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new AccessRefused(Reason.ACCESS_INVALID, "malformed form encoding");
                }
            }
        }
        return fields;
    }

    private static Duration duration(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return ConfigDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new AccessRefused(Reason.ACCESS_INVALID, "duration: " + e.getMessage());
        }
    }

    private static void json(Exchange exchange, int status, Object body) {
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader("Content-Type", "application/json");
        message.setHeader("Cache-Control", "no-store");
        try {
            message.setBody(JSON.writeValueAsString(body) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode requests(List<AccessRequest> requests) {
        ArrayNode list = JSON.createArrayNode();
        requests.forEach(r -> list.add(request(r)));
        return JSON.createObjectNode().set("requests", list);
    }

    static ObjectNode request(AccessRequest r) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", r.id());
        node.put("route", r.route());
        node.put("state", r.state().name().toLowerCase(Locale.ROOT));
        node.set("requester", JSON.createObjectNode().put("name", r.requester().name())
                .put("email", r.requester().email()).put("issuer", r.requester().issuer()));
        node.put("duration", AccessDurations.text(r.duration()));
        node.put("reason", r.reason());
        node.put("createdAt", time(r.createdAt()));
        node.put("expiresAt", time(r.expiresAt()));
        node.put("decidedBy", r.decidedBy());
        node.put("decidedAt", time(r.decidedAt()));
        return node;
    }

    static ObjectNode grant(Grant g) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", g.id());
        node.put("requestId", g.requestId());
        node.put("route", g.route());
        node.set("holder", JSON.createObjectNode().put("name", g.holder().name()).put("email", g.holder().email())
                .put("issuer", g.holder().issuer()));
        node.put("startsAt", time(g.startsAt()));
        node.put("endsAt", time(g.endsAt()));
        node.put("approvedBy", g.approvedBy());
        node.put("revokedAt", time(g.revokedAt()));
        node.put("revokedBy", g.revokedBy());
        return node;
    }

    private static String time(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant);
    }
}
