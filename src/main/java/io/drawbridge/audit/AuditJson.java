package io.drawbridge.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Serializes audit records as one JSON object a line. Field by field, without reflection; Jackson escapes every
 * string, so a client-chosen path or user agent cannot break a line or forge a field.
 */
public final class AuditJson {

    private static final JsonFactory JSON = new JsonFactory();

    private AuditJson() {
    }

    /** Appends the record and a newline to {@code out}. */
    public static void write(AuditRecord r, ByteArrayOutputStream out) {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            fields(g, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
    }

    /**
     * Appends each record as a line, with one generator for the whole batch. A record that cannot be written
     * (which would be a bug) is skipped and reported to {@code failed}, the others are still written.
     */
    public static void writeBatch(List<AuditRecord> records, ByteArrayOutputStream out,
                                  BiConsumer<AuditRecord, RuntimeException> failed) {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.setRootValueSeparator(null);
            for (AuditRecord r : records) {
                try {
                    fields(g, r);
                    g.flush();
                    out.write('\n');
                } catch (RuntimeException e) {
                    failed.accept(r, e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void fields(JsonGenerator g, AuditRecord r) throws IOException {
        {
            g.writeStartObject();
            g.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(r.time()));
            g.writeStringField("requestId", r.requestId());
            g.writeStringField("decision", r.decision().code());
            g.writeStringField("reason", r.reason());
            optional(g, "detail", r.detail());
            g.writeStringField("subject", r.subject());
            g.writeStringField("email", r.email()); // always present: null tells "no e-mail" from an older record
            optional(g, "issuer", r.issuer());
            optional(g, "clientId", r.clientId());
            g.writeArrayFieldStart("groups");
            for (String group : r.groups()) {
                g.writeString(group);
            }
            g.writeEndArray();
            g.writeStringField("route", r.route());
            optional(g, "policy", r.policy());
            g.writeStringField("method", r.method());
            g.writeStringField("path", r.path());
            optional(g, "target", r.target());
            g.writeStringField("host", r.host());
            g.writeNumberField("status", r.status());
            g.writeStringField("clientIp", r.clientIp());
            g.writeStringField("upstream", r.upstream());
            g.writeNumberField("durationMs", r.durationMs());
            g.writeNumberField("bytesIn", r.bytesIn());
            g.writeNumberField("bytesOut", r.bytesOut());
            optional(g, "userAgent", r.userAgent());
            optional(g, "catalog", r.catalog());
            optional(g, "traceId", r.traceId());
            optional(g, "instance", r.instance());
            optional(g, "mcpMethod", r.mcpMethod());
            optional(g, "mcpTool", r.mcpTool());
            optional(g, "mcpArguments", r.mcpArguments());
            optional(g, "cache", r.cache());
            if (r.grant() != null) {
                g.writeObjectFieldStart("grant");
                g.writeStringField("id", r.grant().id());
                g.writeStringField("approvedBy", r.grant().approvedBy());
                g.writeStringField("endsAt", r.grant().endsAt() == null ? null
                        : DateTimeFormatter.ISO_INSTANT.format(r.grant().endsAt()));
                g.writeEndObject();
            }
            if (r.access() != null) {
                g.writeObjectFieldStart("access");
                g.writeStringField("request", r.access().request());
                g.writeStringField("requester", r.access().requester());
                optional(g, "duration", r.access().duration());
                optional(g, "reason", r.access().reason());
                optional(g, "approver", r.access().approver());
                optional(g, "grant", r.access().grant());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
    }

    public static String toJson(AuditRecord record) {
        var out = new ByteArrayOutputStream(512);
        write(record, out);
        return out.toString(StandardCharsets.UTF_8).stripTrailing();
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }
}
