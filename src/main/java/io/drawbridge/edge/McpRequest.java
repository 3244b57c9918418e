package io.drawbridge.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.drawbridge.policy.McpCall;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON-RPC body of a request to an MCP route (streamable HTTP), read before the route runs so that the
 * authorize step can judge each call. Anything the gateway cannot judge is refused rather than passed on: a body
 * that is not JSON-RPC, a {@code tools/call} without a tool name, a batch that is empty or longer than
 * {@value #MAX_BATCH}.
 *
 * @param calls     the calls, one per message (a single message, or each element of a batch)
 * @param id        the JSON-RPC id of a single message (for its error response); a {@code null} node for a
 *                  notification, a batch, or a request without body
 * @param batch     whether the body was a JSON array
 * @param arguments the {@code arguments} of the first {@code tools/call}, as JSON; written to the audit record only
 *                  when {@code audit.mcpArguments} is on; {@code null} when none
 */
public record McpRequest(List<McpCall> calls, JsonNode id, boolean batch, String arguments) {

    static final int MAX_BATCH = 100;
    /** Duplicate keys and trailing data refused: the upstream must not read another call than the one judged. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** A request that carries no JSON-RPC call (GET for the event stream, DELETE of the session). */
    static final McpRequest NO_CALL = new McpRequest(List.of(McpCall.NO_CALL), NullNode.getInstance(), false, null);

    /** Why a body cannot be judged. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** The first call: the one audit records and metrics name. */
    public McpCall first() {
        return calls.get(0);
    }

    /**
     * @param method the HTTP method
     * @param body   the whole (bounded) body
     */
    static McpRequest parse(String method, byte[] body) throws Invalid {
        if (!"POST".equals(method)) {
            if (body.length > 0) {
                throw new Invalid(method + " with a body on an MCP route");
            }
            return NO_CALL;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new Invalid("the body is not JSON");
        }
        if (root == null || root.isMissingNode()) {
            throw new Invalid("the body is empty");
        }
        if (!root.isArray()) {
            Message m = message(root);
            return new McpRequest(List.of(m.call), m.id, false, m.arguments);
        }
        if (root.isEmpty() || root.size() > MAX_BATCH) {
            throw new Invalid("a batch of " + root.size() + " messages (1 to " + MAX_BATCH + " are judged)");
        }
        List<McpCall> calls = new ArrayList<>();
        String arguments = null;
        for (JsonNode element : root) {
            Message m = message(element);
            calls.add(m.call);
            arguments = arguments == null ? m.arguments : arguments;
        }
        return new McpRequest(List.copyOf(calls), NullNode.getInstance(), true, arguments);
    }

    private record Message(McpCall call, JsonNode id, String arguments) {
    }

    private static Message message(JsonNode node) throws Invalid {
        if (!node.isObject() || !"2.0".equals(node.path("jsonrpc").asText(null))) {
            throw new Invalid("not a JSON-RPC 2.0 message");
        }
        JsonNode id = node.has("id") ? node.get("id") : NullNode.getInstance();
        JsonNode method = node.get("method");
        if (method == null) {
            if (node.has("result") || node.has("error")) {
                return new Message(McpCall.NO_CALL, id, null); // the client answers a request of the server
            }
            throw new Invalid("a JSON-RPC message with neither method nor result");
        }
        if (!method.isTextual() || method.asText().isEmpty()) {
            throw new Invalid("the JSON-RPC method is not a name");
        }
        if (!McpCall.TOOLS_CALL.equals(method.asText())) {
            return new Message(new McpCall(method.asText(), null), id, null);
        }
        JsonNode tool = node.path("params").path("name");
        if (!tool.isTextual() || tool.asText().isEmpty()) {
            throw new Invalid("tools/call without a tool name");
        }
        JsonNode arguments = node.path("params").get("arguments");
        String text;
        try {
            text = arguments == null ? null : JSON.writeValueAsString(arguments);
        } catch (JsonProcessingException e) {
            text = null;
        }
        return new Message(new McpCall(McpCall.TOOLS_CALL, tool.asText()), id, text);
    }
}
