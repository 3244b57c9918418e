package io.drawbridge.route;

import io.drawbridge.identity.Identity;
import io.drawbridge.identity.RoutedEntity;
import io.drawbridge.policy.McpCall;
import io.drawbridge.policy.PolicyEvaluator;
import io.drawbridge.policy.RequestFacts;
import io.drawbridge.policy.RoutePolicy;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Catalog-owned MCP servers: spec.type mcp-server and the drawbridge.io/mcp-tools annotation. */
class McpRouteDeclarationTest {

    private static RoutedEntity server(String type, String tools) {
        Map<String, String> annotations = new HashMap<>(Map.of(
                "drawbridge.io/upstream", "http://tools.internal:8000/mcp",
                "drawbridge.io/path", "/repo-tools",
                "drawbridge.io/allow", "owners, group:default/automation"));
        if (tools != null) {
            annotations.put("drawbridge.io/mcp-tools", tools);
        }
        return new RoutedEntity("component:default/repo-tools", annotations, "group:default/sre", Set.of(), type);
    }

    private static Identity caller(String group) {
        return new Identity("id", "someone", null, Set.of(group), "corp", null, Map.of(), null);
    }

    private static boolean allowed(RoutePolicy policy, String method, String tool, String group) {
        var facts = new RequestFacts("POST", "/repo-tools", "gw", new McpCall(method, tool));
        return PolicyEvaluator.evaluate(policy, facts, caller(group)).allowed();
    }

    @ParameterizedTest(name = "{0} {1} by {2}: {3}")
    @CsvSource(nullValues = "-", value = {
            "tools/list, -,           group:default/automation, true",
            "tools/call, list_repos,  group:default/automation, true",
            "tools/call, get_repo,    group:default/automation, true",
            "tools/call, delete_repo, group:default/automation, false",
            "tools/call, delete_repo, group:default/sre,        true",
            "tools/list, -,           group:default/platform,   false",
    })
    void readersCallTheReadToolsAndOwnersAnyTool(String method, String tool, String group, boolean allowed)
            throws Exception {
        RouteDeclaration d = RouteDeclaration.of(server("mcp-server", "read: list_*, get_*\nowners: \"*\""));

        assertThat(d.mcp()).isNotNull();
        assertThat(allowed(d.policy(), method, tool, group)).isEqualTo(allowed);
    }

    @Test
    void takesSemicolonsBetweenTheAudiences() throws Exception {
        RouteDeclaration d = RouteDeclaration.of(server("mcp-server", "read: list_*; owners: *"));

        assertThat(d.mcp().read()).containsExactly("list_*");
        assertThat(d.mcp().owners()).containsExactly("*");
        assertThat(d.mcp().owner()).isEqualTo("group:default/sre");
    }

    @Test
    void anEntityOfAnotherTypeStaysAPlainRoute() throws Exception {
        assertThat(RouteDeclaration.of(server("service", null)).mcp()).isNull();
    }

    @Test
    void refusesAnMcpServerWithoutItsToolList() {
        assertThatThrownBy(() -> RouteDeclaration.of(server("mcp-server", null)))
                .isInstanceOf(RouteDeclaration.Invalid.class).hasMessageContaining("drawbridge.io/mcp-tools");
    }

    @Test
    void refusesAToolListOnAnEntityThatIsNoMcpServer() {
        assertThatThrownBy(() -> RouteDeclaration.of(server("service", "read: *")))
                .isInstanceOf(RouteDeclaration.Invalid.class).hasMessageContaining("mcp-server");
    }

    @ParameterizedTest
    @ValueSource(strings = {"everyone: *", "read: list repos", "read: ,", ""})
    void refusesAToolListItCannotRead(String tools) {
        assertThatThrownBy(() -> RouteDeclaration.of(server("mcp-server", tools)))
                .isInstanceOf(RouteDeclaration.Invalid.class);
    }
}
