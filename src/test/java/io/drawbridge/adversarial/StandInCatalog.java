package io.drawbridge.adversarial;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Backstage catalog API that misbehaves on purpose, on a plain server socket, so that it can also reset
 * connections, send bytes that are not HTTP and stop listening. Users are looked up by name
 * ({@code GET /api/catalog/entities/by-name/user/default/<name>}); each user name has its own {@link Answer}, so
 * one gateway can meet every failure at once. A user answered {@link Answer#OK} is a member of
 * {@link #GROUPS}. Groups have no parents, except those the hostile answers invent: {@code broken-parents} (whose
 * look-up fails with 500), {@code deep-<n>} (child of {@code deep-<n+1>}, without end), and {@code cycle-a} and
 * {@code cycle-b} (each the other's child; cycle-b also a child of {@code contractors}). Route discovery
 * ({@code by-query}) finds nothing.
 */
final class StandInCatalog implements AutoCloseable {

    /** How the catalog answers a user's look-up. */
    enum Answer {
        OK, SLOW, RESET, STATUS_500, NOT_JSON, TRUNCATED_JSON, JSON_ARRAY, A_GROUP_FOR_THE_USER, RELATIONS_NOT_A_LIST,
        HUGE_BODY, HUGE_HEADERS, LONG_NAME, CRLF_IN_NAME, CRLF_IN_MEMBER_OF, PARENTS_FAIL, ENDLESS_GROUP_TREE,
        THOUSANDS_OF_GROUPS, CYCLIC_GROUPS
    }

    /** Every OK user's direct groups. */
    static final List<String> GROUPS = List.of("group:default/sre", "group:default/contractors");
    /** A line a hostile catalog tries to slip into the gateway's log. */
    static final String FORGED_LOG_LINE = "FORGED-LOG-LINE ERROR io.drawbridge.Gateway - all keys leaked";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BY_NAME = "/api/catalog/entities/by-name/user/default/";

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final int port;
    private volatile ServerSocket server;

    StandInCatalog() {
        listen(0);
        this.port = server.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Answers this user's look-ups so from now on. */
    void answer(String user, Answer answer) {
        answers.put(user, answer);
    }

    /** How many times the gateway asked for this user. */
    int lookups(String user) {
        AtomicInteger count = lookups.get(user);
        return count == null ? 0 : count.get();
    }

    /** Stops listening and closes the connections kept alive: connections are refused until {@link #restart()}. */
    void stop() {
        try {
            server.close();
            for (Socket socket : open) {
                socket.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Listens again, on the same port. */
    void restart() {
        listen(port);
    }

    private void listen(int on) {
        try {
            var socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), on), 50);
            server = socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerSocket listening = server;
        Thread acceptor = new Thread(() -> accept(listening), "stand-in-catalog");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket socket = listening.accept();
                open.add(socket);
                Thread worker = new Thread(() -> serve(socket), "stand-in-catalog-conn");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            String head;
            while ((head = readHead(in)) != null) {
                String[] requestLine = head.substring(0, head.indexOf('\r')).split(" ");
                byte[] body = in.readNBytes(contentLength(head));
                String path = requestLine[1].split("\\?")[0];
                if (path.startsWith(BY_NAME)) {
                    String user = URLDecoder.decode(path.substring(BY_NAME.length()), StandardCharsets.UTF_8);
                    lookups.computeIfAbsent(user, u -> new AtomicInteger()).incrementAndGet();
                    Answer answer = answers.get(user);
                    if (answer == null) {
                        respond(out, 404, "{\"error\":{\"name\":\"NotFoundError\"}}");
                    } else if (!misbehave(socket, out, user, answer)) {
                        return;
                    }
                } else if (path.endsWith("/entities/by-refs")) {
                    JsonNode refs = JSON.readTree(body).path("entityRefs");
                    if (refs.toString().contains("broken-parents")) {
                        respond(out, 500, "{\"error\":{\"name\":\"Error\"}}");
                    } else {
                        respond(out, 200, groups(refs));
                    }
                } else if (path.endsWith("/entities/by-query")) {
                    respond(out, 200, "{\"items\":[],\"pageInfo\":{}}");
                } else {
                    respond(out, 404, "{}");
                }
            }
        } catch (IOException e) {
            // the gateway hung up, as it should on most answers here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(socket);
        }
    }

    /** Answers a user look-up as told; false when the connection must end. */
    private boolean misbehave(Socket socket, OutputStream out, String user, Answer answer)
            throws IOException, InterruptedException {
        switch (answer) {
            case OK -> respond(out, 200, user(user, GROUPS));
            case SLOW -> {
                Thread.sleep(5_000); // well past the gateway's catalog timeout
                respond(out, 200, user(user, GROUPS));
            }
            case RESET -> {
                socket.setSoLinger(true, 0); // close with RST
                return false;
            }
            case STATUS_500 -> respond(out, 500, "{\"error\":{\"name\":\"Error\",\"message\":\"database gone\"}}");
            case NOT_JSON -> respond(out, 200, "<html><body>Backstage is restarting</body></html>");
            case TRUNCATED_JSON -> {
                String whole = user(user, GROUPS);
                respond(out, 200, whole.substring(0, whole.length() / 2));
            }
            case JSON_ARRAY -> respond(out, 200, "[" + user(user, GROUPS) + "]");
            case A_GROUP_FOR_THE_USER -> respond(out, 200, user(user, GROUPS).replace("\"User\"", "\"Group\""));
            case RELATIONS_NOT_A_LIST -> respond(out, 200, user(user, GROUPS)
                    .replaceFirst("\"relations\":\\[.*\\]}$", "\"relations\":\"memberOf group:default/admins\"}"));
            case HUGE_BODY -> {
                // 6 MiB of well-formed JSON: over the client's 4 MiB limit
                String padding = "x".repeat(6 << 20);
                respond(out, 200, user(user, GROUPS).replaceFirst("}$", ",\"padding\":\"" + padding + "\"}"));
            }
            case HUGE_HEADERS -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] line = ("X-Pad: " + "p".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 64_000; i++) { // 64 MB of header lines, until the gateway hangs up
                    out.write(line);
                }
                return false;
            }
            case LONG_NAME -> respond(out, 200, user(user, GROUPS).replace("\"name\":\"" + user + "\"",
                    "\"name\":\"" + "n".repeat(100_000) + "\""));
            case CRLF_IN_NAME -> respond(out, 200, user(user, GROUPS).replace("\"name\":\"" + user + "\"",
                    "\"name\":" + JSON.writeValueAsString(user + "\r\n" + FORGED_LOG_LINE)));
            case CRLF_IN_MEMBER_OF -> respond(out, 200, user(user, List.of("group:default/sre\r\n" + FORGED_LOG_LINE,
                    "group:default/contractors")));
            case PARENTS_FAIL -> respond(out, 200, user(user, List.of("group:default/broken-parents")));
            case ENDLESS_GROUP_TREE -> respond(out, 200, user(user, List.of("group:default/deep-0")));
            case CYCLIC_GROUPS -> respond(out, 200, user(user, List.of("group:default/cycle-a")));
            case THOUSANDS_OF_GROUPS -> {
                var many = new java.util.ArrayList<>(GROUPS);
                for (int i = 0; i < 5_000; i++) {
                    many.add("group:default/team-" + i);
                }
                respond(out, 200, user(user, many));
            }
            default -> throw new IllegalStateException(answer.toString());
        }
        return true;
    }

    /** A User entity as Backstage's by-name answers it, its groups both in spec.memberOf and in relations. */
    private static String user(String name, List<String> groups) throws IOException {
        ObjectNode user = JSON.createObjectNode().put("apiVersion", "backstage.io/v1alpha1").put("kind", "User");
        user.putObject("metadata").put("name", name).put("namespace", "default");
        ObjectNode spec = user.putObject("spec");
        spec.putObject("profile").put("email", name + "@example.com");
        groups.forEach(spec.putArray("memberOf")::add);
        ArrayNode relations = user.putArray("relations");
        groups.forEach(g -> relations.addObject().put("type", "memberOf").put("targetRef", g));
        return JSON.writeValueAsString(user);
    }

    /** A by-refs answer: each group, with the parents described above. */
    private static String groups(JsonNode refs) throws IOException {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode items = answer.putArray("items");
        for (JsonNode ref : refs) {
            String name = ref.asText().substring(ref.asText().lastIndexOf('/') + 1);
            ObjectNode group = items.addObject().put("kind", "Group");
            group.putObject("metadata").put("name", name).put("namespace", "default");
            ArrayNode relations = group.putArray("relations");
            List<String> parents = name.startsWith("deep-")
                    ? List.of("deep-" + (Integer.parseInt(name.substring(5)) + 1))
                    : name.equals("cycle-a") ? List.of("cycle-b")
                    : name.equals("cycle-b") ? List.of("cycle-a", "contractors") : List.of();
            parents.forEach(p -> relations.addObject().put("type", "childOf").put("targetRef", "group:default/" + p));
        }
        return JSON.writeValueAsString(answer);
    }

    private static void respond(OutputStream out, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: "
                + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return 0;
    }

    /** One request head, or null at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int state = 0;
        int c;
        while ((c = in.read()) != -1) {
            head.write(c);
            state = (c == '\n') ? (state == 1 ? 2 : 1) : (c == '\r' ? state : 0);
            if (state == 2) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing a test server
        }
    }
}
