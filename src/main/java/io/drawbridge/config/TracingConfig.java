package io.drawbridge.config;

/**
 * Tracing. Every request joins the caller's W3C trace ({@code traceparent}) or starts one; its trace id is in the
 * audit record and goes to the upstream in {@code traceparent}. With an {@code endpoint}, the gateway's spans are
 * also exported over OTLP/HTTP.
 *
 * @param endpoint    OTLP/HTTP traces URL, e.g. {@code http://otel-collector:4318/v1/traces}; default none
 * @param sampleRatio share of new traces recorded (0 to 1; default 1); a caller's sampled flag is followed
 * @param serviceName {@code service.name} of the exported spans; default {@code drawbridge}
 */
public record TracingConfig(String endpoint, Double sampleRatio, String serviceName) {

    public TracingConfig {
        sampleRatio = sampleRatio == null ? 1.0 : sampleRatio;
        serviceName = serviceName == null ? "drawbridge" : serviceName;
    }

    public static TracingConfig defaults() {
        return new TracingConfig(null, null, null);
    }

    public boolean exporting() {
        return endpoint != null && !endpoint.isBlank();
    }
}
