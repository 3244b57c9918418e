package io.drawbridge.config;

/**
 * Where audit records go. With neither {@code file} nor {@code endpoint} set, records go to
 * {@code .drawbridge/audit.jsonl}.
 *
 * @param file       a local file, one JSON object a line; default {@code .drawbridge/audit.jsonl}
 * @param endpoint   any Camel endpoint URI instead of the file, e.g. {@code kafka:drawbridge-audit?brokers=...}
 * @param instance   the name this gateway writes into every record's {@code instance} field, so that the records of
 *                   several replicas in one stream say who wrote them; default the {@code HOSTNAME} environment
 *                   variable (the pod's name in Kubernetes), else the machine's host name
 * @param maxBacklog records accepted and not yet written beyond which the sink counts as behind; default 65536.
 *                   Past twice this many (records of requests taken before, such as clients that gave up while
 *                   waiting), the gateway pauses until there is room: memory stays bounded, no record is dropped
 * @param whenBehind what a new request meets while the sink is behind (backlog full) or failing: {@code wait}
 *                   (default: it waits, unrouted, until the sink catches up: back-pressure) or {@code refuse} (503
 *                   with reason {@code audit-behind} at once). Either way no request reaches a route, and no
 *                   response leaves, before its audit record is written.
 * @param mcpArguments on MCP routes, write the arguments of each tool call into its record ({@code mcpArguments});
 *                   default false: the method and tool are always recorded, arguments (which may hold anything an
 *                   agent sends, secrets included) only when this is on
 */
public record AuditConfig(String file, String endpoint, String instance, Integer maxBacklog, String whenBehind,
                          Boolean mcpArguments) {

    public AuditConfig(String file, String endpoint, String instance, Integer maxBacklog, String whenBehind) {
        this(file, endpoint, instance, maxBacklog, whenBehind, null);
    }

    public static final int DEFAULT_MAX_BACKLOG = 65_536;
    public static final String WAIT = "wait";
    public static final String REFUSE = "refuse";

    public AuditConfig {
        file = file == null && endpoint == null ? ".drawbridge/audit.jsonl" : file;
        maxBacklog = maxBacklog == null ? DEFAULT_MAX_BACKLOG : maxBacklog;
        whenBehind = whenBehind == null ? WAIT : whenBehind;
        mcpArguments = mcpArguments != null && mcpArguments;
    }

    public AuditConfig(String file, String endpoint) {
        this(file, endpoint, null, null, null);
    }

    /** Whether tool-call arguments go into the audit records of MCP routes. */
    public boolean auditsMcpArguments() {
        return mcpArguments;
    }

    /** Whether requests are refused (503), rather than held back, while the sink is behind. */
    public boolean refusesWhenBehind() {
        return REFUSE.equals(whenBehind);
    }

    /** Only the endpoint's scheme: the rest of a Camel URI often carries credentials. */
    @Override
    public String toString() {
        String shown = endpoint == null ? null : endpoint.substring(0, endpoint.indexOf(':') + 1) + "***";
        return "AuditConfig[file=" + file + ", endpoint=" + shown + ", instance=" + instance + ", maxBacklog="
                + maxBacklog + ", whenBehind=" + whenBehind + "]";
    }

    public static AuditConfig defaults() {
        return new AuditConfig(null, null);
    }
}
