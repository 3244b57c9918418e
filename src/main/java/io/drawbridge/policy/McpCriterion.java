package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.config.Problems;
import io.drawbridge.identity.Identity;

import java.util.List;

/**
 * {@code mcpMethods} (the JSON-RPC method matches one of the patterns) and {@code mcpTools} (a {@code tools/call}
 * whose tool matches one of the patterns), exact or with {@code *} and {@code ?}.
 *
 * <p>In an allow rule, discovery ({@link McpCall#isDiscovery()}) passes both, so an allow-list of tools never
 * breaks {@code initialize} or {@code tools/list}; in a deny rule it does not, so a deny rule on tools never
 * blocks discovery. On a route that is not an MCP route (no call was read) neither holds: a rule about tools
 * cannot be judged there, and allows nothing.
 */
final class McpCriterion implements Criterion {

    private final boolean tools;
    private final boolean inAllowRule;
    private final McpGlob[] patterns;
    private final String requirement;

    private McpCriterion(boolean tools, boolean inAllowRule, List<String> values) {
        this.tools = tools;
        this.inAllowRule = inAllowRule;
        this.patterns = values.stream().map(McpGlob::of).toArray(McpGlob[]::new);
        this.requirement = (tools ? "mcp tool in " : "mcp method in ") + Criterion.listed(values);
    }

    static McpCriterion tools(List<String> values, boolean inAllowRule, String field, Problems problems) {
        return valid(values, field, problems) ? new McpCriterion(true, inAllowRule, values) : null;
    }

    static McpCriterion methods(List<String> values, boolean inAllowRule, String field, Problems problems) {
        return valid(values, field, problems) ? new McpCriterion(false, inAllowRule, values) : null;
    }

    private static boolean valid(List<String> values, String field, Problems problems) {
        for (String value : values) {
            if (value.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
                problems.add(field, "'" + value + "' has spaces or control characters; MCP names have none");
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean test(RequestFacts request, Identity identity) {
        McpCall call = request.mcp();
        if (call == null) {
            return false;
        }
        if (inAllowRule && call.isDiscovery()) {
            return true;
        }
        String name = tools ? (McpCall.TOOLS_CALL.equals(call.method()) ? call.tool() : null) : call.method();
        for (McpGlob pattern : patterns) {
            if (pattern.matches(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Reason failure() {
        return tools ? Reason.MCP_TOOL_NOT_ALLOWED : Reason.MCP_METHOD_NOT_ALLOWED;
    }

    @Override
    public String requirement() {
        return requirement;
    }
}
