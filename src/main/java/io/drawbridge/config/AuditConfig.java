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
 * @param maxBacklog records held in memory while the sink is behind or down; when full, requests wait for room
 *                   instead of a record being dropped; default 65536
 */
public record AuditConfig(String file, String endpoint, String instance, Integer maxBacklog) {

    public static final int DEFAULT_MAX_BACKLOG = 65_536;

    public AuditConfig {
        file = file == null && endpoint == null ? ".drawbridge/audit.jsonl" : file;
        maxBacklog = maxBacklog == null ? DEFAULT_MAX_BACKLOG : maxBacklog;
    }

    public AuditConfig(String file, String endpoint) {
        this(file, endpoint, null, null);
    }

    /** Only the endpoint's scheme: the rest of a Camel URI often carries credentials. */
    @Override
    public String toString() {
        String shown = endpoint == null ? null : endpoint.substring(0, endpoint.indexOf(':') + 1) + "***";
        return "AuditConfig[file=" + file + ", endpoint=" + shown + ", instance=" + instance + ", maxBacklog="
                + maxBacklog + "]";
    }

    public static AuditConfig defaults() {
        return new AuditConfig(null, null);
    }
}
