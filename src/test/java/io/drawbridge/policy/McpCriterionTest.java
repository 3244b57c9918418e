package io.drawbridge.policy;

import io.drawbridge.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.drawbridge.policy.PolicyEvaluator.evaluate;
import static io.drawbridge.policy.PolicyFixtures.inGroups;
import static io.drawbridge.policy.PolicyFixtures.policy;
import static io.drawbridge.policy.PolicyFixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;

class McpCriterionTest {

    /** Agents may read, owners may do anything, and nobody may drop a database. */
    private static final RoutePolicy TOOLS = policy("""
            allow:
              - name: agents-read
                groups: [automation]
                mcpTools: ["list_*", "get_?tem", echo]
              - name: owners
                groups: [sre]
                mcpTools: ["*"]
            deny:
              - name: never-drop
                users: ["*"]
                mcpTools: [drop_database]
            """);

    private static RequestFacts call(String method, String tool) {
        return new RequestFacts("POST", "/mcp", "gw.test", new McpCall(method, tool));
    }

    @ParameterizedTest(name = "{0} {1} by {2}: {3}")
    @CsvSource(nullValues = "-", value = {
            "tools/call, echo,          automation, true",
            "tools/call, list_repos,    automation, true",
            "tools/call, get_item,      automation, true",
            "tools/call, get_items,     automation, false",
            "tools/call, delete_repo,   automation, false",
            "tools/call, ECHO,          automation, false",
            "tools/call, delete_repo,   sre,        true",
            "tools/call, drop_database, sre,        false",
            "initialize, -,             automation, true",
            "tools/list, -,             automation, true",
            "ping,       -,             automation, true",
            "notifications/initialized, -, automation, true",
            "-,          -,             automation, true",
            "resources/read, -,         automation, false",
            "tools/list, -,             nobody,     false",
    })
    void decidesEachCallByToolWhileDiscoveryFollowsAdmission(String method, String tool, String group,
                                                              boolean allowed) {
        assertThat(evaluate(TOOLS, call(method, tool), inGroups(group)).allowed()).isEqualTo(allowed);
    }

    @Test
    void namesTheToolCriterionWhenTheOnlyAllowRuleFailsOnIt() {
        RoutePolicy agents = policy("""
                allow:
                  - groups: [automation]
                    mcpTools: [echo]
                """);

        Decision decision = evaluate(agents, call("tools/call", "rm"), inGroups("automation"));

        assertThat(decision.reason()).isEqualTo(Reason.MCP_TOOL_NOT_ALLOWED);
        assertThat(decision.detail()).isEqualTo("allow[0] requires mcp tool in [echo]");
    }

    @Test
    void aDenyRuleOnToolsNeverBlocksDiscovery() {
        assertThat(evaluate(TOOLS, call("tools/list", null), inGroups("sre")).allowed()).isTrue();
        assertThat(evaluate(TOOLS, call("tools/call", "drop_database"), inGroups("sre")).reason())
                .isEqualTo(Reason.DENY_RULE_MATCHED);
    }

    @Test
    void allowsNothingOnARouteThatIsNotAnMcpRoute() {
        RequestFacts plain = new RequestFacts("POST", "/mcp", "gw.test");

        assertThat(evaluate(TOOLS, plain, inGroups("sre")).allowed()).isFalse();
    }

    @Test
    void matchesMethodsByGlobAndLetsDiscoveryThrough() {
        RoutePolicy readers = policy("""
                allow:
                  - groups: [automation]
                    mcpMethods: ["resources/*"]
                """);

        assertThat(evaluate(readers, call("resources/read", null), inGroups("automation")).allowed()).isTrue();
        assertThat(evaluate(readers, call("initialize", null), inGroups("automation")).allowed()).isTrue();
        Decision refused = evaluate(readers, call("tools/call", "echo"), inGroups("automation"));
        assertThat(refused.reason()).isEqualTo(Reason.MCP_METHOD_NOT_ALLOWED);
    }

    @Test
    void reportsANameWithSpaces() {
        assertThat(problems("""
                app:
                  allow:
                    - mcpTools: ["list repos"]
                """)).singleElement().asString()
                .startsWith("policies.app.allow[0].mcpTools: ").contains("spaces");
    }
}
