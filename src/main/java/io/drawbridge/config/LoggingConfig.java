package io.drawbridge.config;

/**
 * The gateway's own log (not the audit log, which is always JSON lines).
 *
 * @param format {@code text} (default): one human-readable line an event; {@code json}: one JSON object a line,
 *               Logback's {@code JsonEncoder} layout, with the request id and trace id as key-value pairs on events
 *               about a request, for Logstash, Datadog, Loki and the like
 */
public record LoggingConfig(String format) {

    public static final String TEXT = "text";
    public static final String JSON = "json";

    public LoggingConfig {
        format = format == null ? TEXT : format;
    }

    public static LoggingConfig defaults() {
        return new LoggingConfig(null);
    }

    public boolean json() {
        return JSON.equals(format);
    }
}
