package io.drawbridge.edge;

import io.drawbridge.policy.McpCall;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class McpRequestTest {

    private static McpRequest post(String json) throws McpRequest.Invalid {
        return McpRequest.parse("POST", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheToolAndArgumentsOfAToolCall() throws Exception {
        McpRequest r = post("""
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}""");

        assertThat(r.calls()).containsExactly(new McpCall("tools/call", "echo"));
        assertThat(r.id().asInt()).isEqualTo(7);
        assertThat(r.arguments()).isEqualTo("{\"text\":\"hi\"}");
        assertThat(r.batch()).isFalse();
    }

    @Test
    void readsEveryCallOfABatch() throws Exception {
        McpRequest r = post("""
                [{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}},
                 {"jsonrpc":"2.0","method":"notifications/initialized"},
                 {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"delete_repo"}}]""");

        assertThat(r.calls()).extracting(McpCall::tool).containsExactly("echo", null, "delete_repo");
        assertThat(r.batch()).isTrue();
    }

    @Test
    void takesTheClientsAnswerToTheServerAsNoCall() throws Exception {
        assertThat(post("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}").first()).isEqualTo(McpCall.NO_CALL);
    }

    @Test
    void takesAGetWithoutBodyAsNoCall() throws Exception {
        assertThat(McpRequest.parse("GET", new byte[0]).first()).isEqualTo(McpCall.NO_CALL);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "not json",
            "42",
            "[]",
            "{\"id\":1,\"method\":\"tools/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":1}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"name\":\"rm\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"} {\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"x\"}",
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}, 5]",
    })
    void refusesABodyItCannotJudge(String body) {
        assertThatThrownBy(() -> post(body)).isInstanceOf(McpRequest.Invalid.class);
    }

    @Test
    void refusesABatchLongerThanItJudges() {
        String one = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}";
        String batch = "[" + String.join(",", java.util.Collections.nCopies(McpRequest.MAX_BATCH + 1, one)) + "]";

        assertThatThrownBy(() -> post(batch)).isInstanceOf(McpRequest.Invalid.class);
    }

    @Test
    void refusesABodyOnAGet() {
        assertThatThrownBy(() -> McpRequest.parse("GET", "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(McpRequest.Invalid.class);
    }
}
