package io.drawbridge.config;

/**
 * Where audit records go. With neither set, records go to {@code .drawbridge/audit.jsonl}.
 *
 * @param file     a local file, one JSON object a line; default {@code .drawbridge/audit.jsonl}
 * @param endpoint any Camel endpoint URI instead of the file, e.g. {@code kafka:drawbridge-audit?brokers=...}
 */
public record AuditConfig(String file, String endpoint) {

    public AuditConfig {
        file = file == null && endpoint == null ? ".drawbridge/audit.jsonl" : file;
    }

    /** Only the endpoint's scheme: the rest of a Camel URI often carries credentials. */
    @Override
    public String toString() {
        String shown = endpoint == null ? null : endpoint.substring(0, endpoint.indexOf(':') + 1) + "***";
        return "AuditConfig[file=" + file + ", endpoint=" + shown + "]";
    }

    public static AuditConfig defaults() {
        return new AuditConfig(null, null);
    }
}
