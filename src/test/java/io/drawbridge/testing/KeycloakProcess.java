package io.drawbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Keycloak, the project's fixture in {@code src/test/fixtures/keycloak} (realm {@code drawbridge}, client {@code drawbridge-gateway},
 * users alice, bob, carol), on free loopback ports, started by the test and stopped by PID. Its install folder is
 * kept under {@code target/} so later starts in the same build skip unzipping and re-augmenting.
 */
public final class KeycloakProcess implements AutoCloseable {

    public static final Path FIXTURE = BackstageProcess.PROJECT.resolve("src/test/fixtures/keycloak");
    public static final String REALM = "drawbridge";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;
    private final long pid;
    private final Map<String, String> environment;
    private final HttpClient http = HttpClient.newHttpClient();
    private boolean stopped;

    private KeycloakProcess(int port, long pid, Map<String, String> environment) {
        this.port = port;
        this.pid = pid;
        this.environment = environment;
    }

    /**
     * @param gatewayRedirectUri   the gateway's callback URL, registered on the client (exact match)
     * @param postLogoutRedirectUri where Keycloak may send browsers after logout
     */
    public static KeycloakProcess start(String gatewayRedirectUri, String postLogoutRedirectUri)
            throws IOException, InterruptedException {
        int port = GatewayProcess.freePort();
        Path state = BackstageProcess.PROJECT.resolve("target/keycloak-it");
        Files.createDirectories(state);
        Path log = state.resolve("start-" + port + ".log");
        var env = Map.of("IDP_PORT", String.valueOf(port), "IDP_MGMT_PORT", String.valueOf(GatewayProcess.freePort()),
                "IDP_STATE", state.toString(), "IDP_GATEWAY_REDIRECT_URI", gatewayRedirectUri,
                "IDP_GATEWAY_POST_LOGOUT_URI", postLogoutRedirectUri);
        ProcessBuilder start = new ProcessBuilder("bash", FIXTURE.resolve("start.sh").toString())
                .redirectError(log.toFile());
        start.environment().putAll(env);
        Process script = start.start();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!script.waitFor(5, TimeUnit.MINUTES) || script.exitValue() != 0 || !out.matches("\\d+")) {
            new KeycloakProcess(port, -1, env).stop(); // start.sh gave up waiting: end what it left running
            throw new IllegalStateException("Keycloak did not start (" + out + "):\n" + Files.readString(log)
                    + "\n" + tail(state.resolve("keycloak-" + port + ".log")));
        }
        return new KeycloakProcess(port, Long.parseLong(out), env);
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        var lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String issuer() {
        return url() + "/realms/" + REALM;
    }

    /** Changes realm settings through the admin REST API (as admin of the master realm). */
    public void updateRealm(Map<String, Object> settings) throws IOException, InterruptedException {
        admin("PUT", "/admin/realms/" + REALM, JSON.writeValueAsString(settings));
    }

    /** Ends every Keycloak session of a user, as an administrator or a password change would. */
    public void logOutEverywhere(String username) throws IOException, InterruptedException {
        JsonNode users = JSON.readTree(admin("GET", "/admin/realms/" + REALM + "/users?exact=true&username="
                + URLEncoder.encode(username, StandardCharsets.UTF_8), null));
        admin("POST", "/admin/realms/" + REALM + "/users/" + users.get(0).path("id").asText() + "/logout", "");
    }

    /** How many Keycloak sessions a user has. */
    public int sessions(String username) throws IOException, InterruptedException {
        JsonNode users = JSON.readTree(admin("GET", "/admin/realms/" + REALM + "/users?exact=true&username="
                + URLEncoder.encode(username, StandardCharsets.UTF_8), null));
        return JSON.readTree(admin("GET", "/admin/realms/" + REALM + "/users/" + users.get(0).path("id").asText()
                + "/sessions", null)).size();
    }

    private String admin(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(url()
                        + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username=admin"
                        + "&password=admin")).build(), HttpResponse.BodyHandlers.ofString());
        String access = JSON.readTree(token.body()).path("access_token").asText();
        var request = HttpRequest.newBuilder(URI.create(url() + path)).header("Authorization", "Bearer " + access)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode());
        }
        return response.body();
    }

    /** Stops it with its own stop script, then by the PID start.sh printed if it is still there. */
    public synchronized void stop() throws IOException, InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        ProcessBuilder stop = new ProcessBuilder("bash", FIXTURE.resolve("stop.sh").toString()).inheritIO();
        stop.environment().putAll(environment);
        stop.start().waitFor(30, TimeUnit.SECONDS);
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroy();
            p.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> {
                p.destroyForcibly();
                return p;
            }).join();
        });
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
    }
}
