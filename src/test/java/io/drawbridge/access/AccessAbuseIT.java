package io.drawbridge.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.TestUpstream;
import io.drawbridge.testing.TokenMinter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Access requests attacked over plain HTTP against a real gateway with its embedded H2 store and a file catalog:
 * each abuse is refused with its reason code, a legitimate grant admits only its route and methods, and hostile
 * text in a reason stays data on every page, in the JSON and in the webhook that tells the approvers.
 *
 * <p>The catalog: group sre (alice, carol) owns the component that claims route {@code grafana}; bob and dave are
 * in no group. Every user gets a fresh route of their own where a test needs a clean slate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessAbuseIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVIL = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>\u2028\"}";

    private final TokenMinter minter = new TokenMinter();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<String> webhook = new CopyOnWriteArrayList<>();
    private TestUpstream upstream;
    private HttpServer receiver;
    private GatewayFixture gateway;
    private Path catalog;
    private String alice;
    private String bob;
    private String carol;
    private String dave;

    private static final String CATALOG = """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: { name: sre }
            spec: { type: team, children: [], members: [alice, carol] }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: { name: alice }
            spec: { profile: { email: alice@example.com } }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: { name: bob }
            spec: { profile: { email: bob@example.com } }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: { name: carol }
            spec: { profile: { email: carol@example.com } }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: { name: dave }
            spec: { profile: { email: dave@example.com } }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: grafana
              annotations:
                drawbridge.io/routes: grafana, left, flood, evil, replay, stream
            spec: { type: service, lifecycle: production, owner: sre }
            """;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        upstream = new TestUpstream();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            webhook.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        minter.writeJwks(dir.resolve("jwks.json"));
        alice = minter.token("alice", List.of());
        bob = minter.token("bob", List.of());
        carol = minter.token("carol", List.of());
        dave = minter.token("dave", List.of());
        catalog = Files.writeString(dir.resolve("catalog.yaml"), CATALOG);
        String requestable = """
                    allow: [{groups: ["group:default/sre"], methods: [GET]}]
                    request: {approvers: [owners], maxDuration: 2h, defaultDuration: 1h}
                """;
        String config = """
                issuers:
                  - name: test
                    issuer: https://issuer.test
                    jwksFile: @DIR@/jwks.json
                    audiences: [drawbridge]
                catalog:
                  files: @DIR@/catalog.yaml
                  pollInterval: 1s
                access:
                  store: {url: "jdbc:h2:file:@DIR@/access"}
                  maxOpenPerUser: 3
                  notify: ["http://127.0.0.1:%d/hook"]
                  baseUrl: https://gateway.example.com
                policies:
                  grafana:
                %s  left:
                %s  flood:
                %s  evil:
                %s  replay:
                %s  stream:
                %s  plain:
                    allow: [{groups: ["group:default/sre"]}]
                """.formatted(receiver.getAddress().getPort(), requestable, requestable, requestable, requestable,
                requestable, requestable);
        Map<String, String> routes = new java.util.HashMap<>();
        for (String id : List.of("grafana", "left", "flood", "evil", "replay", "plain", "stream")) {
            routes.put(id + ".yaml", """
                    - route:
                        id: %s
                        from:
                          uri: "gateway:/%s"
                          steps:
                            - to: drawbridge:authenticate
                            - to: drawbridge:enrich
                            - to: drawbridge:authorize
                            - to: "drawbridge:proxy?upstream={{upstream}}&stripPrefix=true"
                    """.formatted(id, id));
        }
        gateway = GatewayFixture.start(dir, config, routes, Map.of("upstream", upstream.url())).awaitReady();
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    // --- the happy path, and what a grant does not open ---

    @Test
    void aGrantAdmitsItsHolderToItsRouteAndMethodsOnly() throws Exception {
        assertThat(get("/grafana/", bob).statusCode()).isEqualTo(403);
        JsonNode request = json(ask(bob, "grafana", "30m", "incident 42"), 201);
        assertThat(request.path("state").asText()).isEqualTo("pending");

        JsonNode grant = json(post("/requests/" + request.path("id").asText() + "/approve", alice, "{}"), 200);
        assertThat(grant.path("approvedBy").asText()).isEqualTo("alice");

        assertThat(get("/grafana/dashboards", bob).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/grafana/dashboards", bob).statusCode()).isEqualTo(403);
        assertThat(get("/plain/", bob).statusCode()).isEqualTo(403);
        assertThat(get("/evil/", bob).statusCode()).isEqualTo(403); // requestable too, but never granted to bob
        JsonNode allowed = lastRecord("GET", "/grafana/dashboards");
        assertThat(allowed.path("reason").asText()).isEqualTo("grant-active");
        assertThat(allowed.path("grant").path("id").asText()).isEqualTo(grant.path("id").asText());
        assertThat(allowed.path("grant").path("approvedBy").asText()).isEqualTo("alice");
        assertThat(allowed.path("grant").path("endsAt").asText()).isNotBlank();

        json(post("/grants/" + grant.path("id").asText() + "/revoke", bob, "{}"), 200);
        assertThat(get("/grafana/dashboards", bob).statusCode()).isEqualTo(403);
        assertThat(events()).contains("access-requested", "access-approved", "access-revoked");
    }

    @Test
    void anEventStreamOpenedUnderAGrantEndsWhenTheGrantIsRevoked() throws Exception {
        String frank = minter.token("frank", List.of());
        String id = json(ask(frank, "stream", "1h", "watching a deploy"), 201).path("id").asText();
        String grant = json(post("/requests/" + id + "/approve", alice, "{}"), 200).path("id").asText();

        var events = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (var raw = new io.drawbridge.testing.RawHttp(gateway.port())) {
                raw.send("GET /stream/sse?events=60&ms=250 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + frank + "\r\n\r\n");
                return raw.read().text().split("data:").length - 1;
            } catch (java.io.UncheckedIOException e) {
                return -1; // a chunked body cut short: the connection closed before the last chunk
            }
        });
        Thread.sleep(1500);
        json(post("/grants/" + grant + "/revoke", alice, "{}"), 200);

        assertThat(events.get(15, java.util.concurrent.TimeUnit.SECONDS)).as("events before the cut").isLessThan(40);
        long deadline = System.currentTimeMillis() + 5000;
        while (gateway.auditRecords().stream().noneMatch(r -> "grant-ended".equals(r.path("reason").asText()))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        JsonNode cut = gateway.auditRecords().stream().filter(r -> "grant-ended".equals(r.path("reason").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no grant-ended record"));
        assertThat(cut.path("subject").asText()).isEqualTo("frank");
        assertThat(cut.path("path").asText()).isEqualTo("/stream/sse");
        assertThat(cut.path("grant").path("id").asText()).isEqualTo(grant);
    }

    // --- abuse ---

    @Test
    void theRequesterCannotApproveTheirOwnRequest() throws Exception {
        String id = json(ask(carol, "grafana", "1h", "mine"), 201).path("id").asText();

        assertRefused(post("/requests/" + id + "/approve", carol, "{}"), 403, "access-self-approval");
    }

    @Test
    void someoneOutsideTheOwningGroupCannotApprove() throws Exception {
        String id = json(ask(bob, "replay", "1h", "for a test"), 201).path("id").asText();

        assertRefused(post("/requests/" + id + "/approve", dave, "{}"), 403, "access-not-approver");
        assertRefused(post("/requests/" + id + "/reject", dave, "{}"), 403, "access-not-approver");
    }

    @Test
    void aReplayedApprovalIsAConflict() throws Exception {
        String id = json(ask(dave, "replay", "1h", "twice"), 201).path("id").asText();
        json(post("/requests/" + id + "/approve", alice, "{}"), 200);

        assertRefused(post("/requests/" + id + "/approve", alice, "{}"), 409, "access-request-conflict");
        assertRefused(post("/requests/" + id + "/reject", carol, "{}"), 409, "access-request-conflict");
    }

    @Test
    void anApproverWhoLeftTheOwningGroupSinceTheRequestCannotApprove() throws Exception {
        String id = json(ask(bob, "left", "1h", "before alice left"), 201).path("id").asText();
        Files.writeString(catalog, CATALOG.replace("members: [alice, carol]", "members: [carol]   "));
        try {
            Thread.sleep(1500); // the file catalog looks for changes once a second
            assertRefused(post("/requests/" + id + "/approve", alice, "{}"), 403, "access-not-approver");
        } finally {
            Files.writeString(catalog, CATALOG);
            Thread.sleep(1500);
        }
        json(post("/requests/" + id + "/approve", alice, "{}"), 200); // a member again: the look-up is fresh
    }

    @Test
    void aCrossSiteApprovalIsRefusedEvenWithAValidSession() throws Exception {
        String id = json(ask(dave, "grafana", "1h", "csrf target"), 201).path("id").asText();
        // A browser posting from another site: no bearer token, its cookies, and an Origin of that site.
        var forged = HttpRequest.newBuilder(URI.create(gateway.url("/.drawbridge/access/requests/" + id
                        + "/approve")))
                .header("Origin", "https://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Cookie", "drawbridge_session=forged")
                .POST(HttpRequest.BodyPublishers.ofString("duration=1h")).build();
        assertThat(http.send(forged, HttpResponse.BodyHandlers.ofString()).statusCode()).isIn(401, 403);

        // Even authenticated, a state change needs a bearer token the client sent or a same-origin proof.
        var crossSite = HttpRequest.newBuilder(URI.create(gateway.url("/.drawbridge/access/requests/" + id
                        + "/approve")))
                .header("Sec-Fetch-Site", "cross-site")
                .header("Accept", "application/json")
                .header("Authorization", "Basic YWxpY2U6cGFzcw==")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        assertThat(http.send(crossSite, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(pendingIds(alice)).contains(id);
    }

    @Test
    void aDurationBeyondTheMaximumIsRefused() throws Exception {
        assertRefused(ask(dave, "left", "3h", "too long"), 400, "access-duration-exceeded");
        String id = json(ask(dave, "left", "1h", "fine"), 201).path("id").asText();

        assertRefused(post("/requests/" + id + "/approve", alice, "{\"duration\":\"2h\"}"), 400,
                "access-duration-exceeded");
        JsonNode shorter = json(post("/requests/" + id + "/approve", alice, "{\"duration\":\"15m\"}"), 200);
        assertThat(Duration.between(java.time.Instant.parse(shorter.path("startsAt").asText()),
                java.time.Instant.parse(shorter.path("endsAt").asText()))).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void aRouteWithoutARequestSectionTakesNoRequest() throws Exception {
        assertRefused(ask(bob, "plain", "1h", "please"), 403, "access-not-requestable");
        assertRefused(ask(bob, "no-such-route", "1h", "please"), 403, "access-not-requestable");
    }

    @Test
    void aReasonIsRequired() throws Exception {
        assertRefused(post("/requests", dave, "{\"route\":\"flood\",\"duration\":\"1h\"}"), 400,
                "access-reason-required");
    }

    @Test
    void aFloodOfRequestsIsCutAtTheOpenLimit() throws Exception {
        String flooder = minter.token("mallory", List.of());
        json(ask(flooder, "flood", "1h", "one"), 201);
        assertRefused(ask(flooder, "flood", "1h", "same route again"), 409, "access-request-conflict");
        json(ask(flooder, "grafana", "1h", "two"), 201);
        json(ask(flooder, "left", "1h", "three"), 201);

        assertRefused(ask(flooder, "replay", "1h", "four"), 429, "access-too-many-requests");
    }

    @Test
    void hostileTextInAReasonStaysDataEverywhere() throws Exception {
        String eve = minter.token("eve", List.of());
        JsonNode request = json(ask(eve, "evil", "1h", EVIL), 201);
        assertThat(request.path("reason").asText()).isEqualTo(EVIL);

        String inbox = page(alice);
        assertThat(inbox).contains("pending-" + request.path("id").asText());
        assertThat(inbox).doesNotContain("<script>alert(1)").doesNotContain("<img src=x")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(page(eve)).doesNotContain("<script>alert(1)").doesNotContain("<img src=x")
                .contains("&lt;script&gt;");

        long deadline = System.currentTimeMillis() + 10_000;
        while (webhook.stream().noneMatch(e -> e.contains(request.path("id").asText()))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        String event = webhook.stream().filter(e -> e.contains(request.path("id").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no webhook event for the request"));
        JsonNode parsed = JSON.readTree(event);
        assertThat(parsed.path("type").asText()).isEqualTo("access-requested");
        assertThat(parsed.path("reason").asText()).isEqualTo(EVIL);
        assertThat(parsed.path("link").asText()).isEqualTo("https://gateway.example.com/.drawbridge/access");
        // The quotes and brace in the reason forged no field: one object, exactly the event's own fields.
        assertThat(parsed.fieldNames()).toIterable().containsExactlyInAnyOrder("type", "id", "route", "requester",
                "duration", "reason", "createdAt", "expiresAt", "link");
        assertThat(event).contains("\\\"}"); // the reason's quote arrives escaped inside a JSON string
        JsonNode audited = gateway.auditRecords().stream()
                .filter(r -> "access-requested".equals(r.path("reason").asText())
                        && request.path("id").asText().equals(r.path("access").path("request").asText()))
                .findFirst().orElseThrow();
        assertThat(audited.path("access").path("reason").asText()).isEqualTo(EVIL);
    }

    @Test
    void theOpenApiDocumentDescribesTheApi() throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(gateway.url("/.drawbridge/access/openapi.json")))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode doc = JSON.readTree(response.body());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("paths").fieldNames()).toIterable().contains("/.drawbridge/access/requests",
                "/.drawbridge/access/requests/{id}/approve", "/.drawbridge/access/grants/{id}/revoke");
    }

    // --- helpers ---

    private HttpResponse<String> ask(String token, String route, String duration, String reason) throws Exception {
        return post("/requests", token, JSON.createObjectNode().put("route", route).put("duration", duration)
                .put("reason", reason).toString());
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gateway.url("/.drawbridge/access" + path)))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return send("GET", path, token);
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String page(String token) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(gateway.url("/.drawbridge/access")))
                .header("Authorization", "Bearer " + token).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Security-Policy")).get().asString()
                .startsWith("default-src 'none'");
        return response.body();
    }

    private List<String> pendingIds(String token) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(gateway.url(
                "/.drawbridge/access/requests?role=approver"))).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> ids = new java.util.ArrayList<>();
        json(response, 200).path("requests").forEach(r -> ids.add(r.path("id").asText()));
        return ids;
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static void assertRefused(HttpResponse<String> response, int status, String reason) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).path("reason").asText()).isEqualTo(reason);
    }

    private JsonNode lastRecord(String method, String path) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            var found = gateway.auditRecords().stream().filter(r -> method.equals(r.path("method").asText())
                    && path.equals(r.path("path").asText())).reduce((a, b) -> b);
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no audit record for " + method + " " + path);
    }

    private List<String> events() throws Exception {
        Thread.sleep(300);
        return gateway.auditRecords().stream().map(r -> r.path("reason").asText())
                .filter(r -> r.startsWith("access-")).toList();
    }
}
