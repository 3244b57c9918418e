package io.drawbridge.edge;

import io.drawbridge.config.TracingConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;

/**
 * One span per request, in the caller's W3C trace when it sent a valid {@code traceparent}, else in a new one.
 * Without an exporter the span only carries the ids (no recording cost): the trace id still reaches the audit
 * record and the upstream. With one, spans are recorded, sampled, and exported over OTLP/HTTP in batches.
 */
public final class RequestTracing implements AutoCloseable {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final IdGenerator IDS = IdGenerator.random();
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("drawbridge.route");
    private static final AttributeKey<String> DECISION = AttributeKey.stringKey("drawbridge.decision");
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("drawbridge.reason");
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("drawbridge.request_id");
    private static final TextMapGetter<HttpHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpHeaders carrier) {
            return carrier.names();
        }

        @Override
        public String get(HttpHeaders carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private RequestTracing(SdkTracerProvider provider) {
        this.provider = provider;
        this.tracer = provider == null ? null : provider.get("io.drawbridge");
    }

    public static RequestTracing from(TracingConfig config) {
        if (!config.exporting()) {
            return new RequestTracing(null);
        }
        var exporter = OtlpHttpSpanExporter.builder().setEndpoint(config.endpoint())
                .setTimeout(10, TimeUnit.SECONDS).build();
        return new RequestTracing(SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), config.serviceName()))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build());
    }

    /** The request's span: a child of the caller's {@code traceparent} when it is valid. */
    Span start(HttpRequest head, String requestId) {
        Context parent = W3C.extract(Context.root(), head.headers(), HEADERS);
        if (tracer != null) {
            return tracer.spanBuilder(head.method().name()).setParent(parent).setSpanKind(SpanKind.SERVER)
                    .setAttribute(REQUEST_ID, requestId).startSpan();
        }
        SpanContext caller = Span.fromContext(parent).getSpanContext();
        return Span.wrap(caller.isValid()
                ? SpanContext.create(caller.getTraceId(), IDS.generateSpanId(), caller.getTraceFlags(),
                        caller.getTraceState())
                : SpanContext.create(IDS.generateTraceId(), IDS.generateSpanId(), TraceFlags.getDefault(),
                        TraceState.getDefault()));
    }

    /** Ends the span with what the audit record says. */
    static void end(Span span, ClientRequest request, String route) {
        if (span == null || !span.isRecording()) {
            return;
        }
        if (route != null) {
            span.updateName(request.method() + " " + route);
            span.setAttribute(ROUTE, route);
        }
        span.setAttribute(STATUS, (long) request.status());
        span.setAttribute(DECISION, request.outcome().code());
        span.setAttribute(REASON, request.outcomeReason().code());
        if (request.status() >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    /** Sets {@code traceparent} (and {@code tracestate}) on an upstream request; what the client sent is replaced. */
    public static void inject(Span span, HttpHeaders upstream) {
        upstream.remove("traceparent");
        upstream.remove("tracestate");
        if (span != null) {
            W3C.inject(Context.root().with(span), upstream, (headers, key, value) -> headers.set(key, value));
        }
    }

    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(10, TimeUnit.SECONDS); // what was recorded is sent before the process ends
        }
    }
}
