package io.drawbridge.ops;

import io.drawbridge.access.AccessMetrics;
import io.drawbridge.audit.AuditRecord;
import io.drawbridge.audit.QueuedAuditSink;
import io.drawbridge.authn.IssuerRegistry;
import io.drawbridge.authn.TrustedIssuer;
import io.drawbridge.proxy.AssetCaches;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The gateway's Prometheus metrics. Requests, decisions by route and reason, latency, upstream errors and catalog
 * look-ups are counted from the audit records, on the audit writer's thread: the request path pays nothing, and
 * the metrics can never disagree with the audit log. Caches, key fetches and the audit backlog are read when
 * scraped.
 */
public final class GatewayMetrics {

    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Map<String, Counter> upstreamErrors = new ConcurrentHashMap<>();
    private final Map<String, Counter> catalogLookups = new ConcurrentHashMap<>();
    private final Map<String, Counter> cacheRequests = new ConcurrentHashMap<>();
    private static final int MAX_MCP_TOOLS = 100;
    private static final Set<String> KNOWN_MCP_METHODS = Set.of("initialize", "ping", "notifications", "tools/list",
            "tools/call", "resources/list", "resources/read", "resources/templates/list", "prompts/list",
            "prompts/get", "completion/complete", "logging/setLevel");
    private final Map<String, Counter> mcpCalls = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> mcpTools = new ConcurrentHashMap<>();
    private final AtomicLong catalogStaleness = new AtomicLong();
    private AccessMetrics access;

    public GatewayMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("drawbridge.catalog.staleness", catalogStaleness, AtomicLong::get).baseUnit("seconds")
                .description("Age of the last catalog answer served past its TTL because the catalog was down")
                .register(registry);
    }

    /** Counts a batch of audit records (called by the audit writer). */
    public void observe(List<AuditRecord> batch) {
        for (AuditRecord r : batch) {
            String route = r.route() == null ? "" : r.route();
            requests.computeIfAbsent(route + '\u0000' + r.decision().code() + '\u0000' + r.reason(), k ->
                    Counter.builder("drawbridge.requests").description("Requests, by route, decision and reason")
                            .tags("route", route, "decision", r.decision().code(), "reason", r.reason())
                            .register(registry)).increment();
            if (r.status() > 0) {
                latency.computeIfAbsent(route, k -> Timer.builder("drawbridge.request.duration")
                        .description("Time from request head to the end of the response").tags("route", route)
                        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry))
                        .record(Duration.ofMillis(r.durationMs()));
            }
            if (r.reason().startsWith("upstream-")) {
                upstreamErrors.computeIfAbsent(route + '\u0000' + r.reason(), k ->
                        Counter.builder("drawbridge.upstream.errors").tags("route", route, "reason", r.reason())
                                .register(registry)).increment();
            }
            if (r.mcpMethod() != null) {
                mcpCall(route, r);
            }
            if (r.cache() != null) {
                cacheRequests.computeIfAbsent(route + '\u0000' + r.cache(), k ->
                        Counter.builder("drawbridge.cache.requests")
                                .description("Requests to routes with a cache, by what the cache did")
                                .tags("route", route, "result", r.cache()).register(registry)).increment();
            }
            if (r.catalog() != null) {
                String result = r.catalog().startsWith("stale:") ? "stale" : r.catalog();
                if (result.equals("stale")) {
                    catalogStaleness.set(parseSeconds(r.catalog()));
                }
                catalogLookups.computeIfAbsent(result, k -> Counter.builder("drawbridge.catalog.lookups")
                        .description("How callers' catalog roles were found").tags("result", result)
                        .register(registry)).increment();
            }
        }
    }

    /**
     * Counts an MCP call by route, method, tool and decision. Tool names come from clients, so each route counts
     * at most {@value #MAX_MCP_TOOLS} distinct ones by name and the rest as {@code other}: the metric stays bounded.
     */
    private void mcpCall(String route, AuditRecord r) {
        Set<String> tools = mcpTools.computeIfAbsent(route, k -> ConcurrentHashMap.newKeySet());
        String tool = r.mcpTool() == null ? "" : r.mcpTool();
        if (!tool.isEmpty() && !tools.contains(tool)) {
            if (tools.size() < MAX_MCP_TOOLS) {
                tools.add(tool);
            } else {
                tool = "other";
            }
        }
        String method = r.mcpMethod().startsWith("notifications/") ? "notifications" : r.mcpMethod();
        if (!KNOWN_MCP_METHODS.contains(method)) {
            method = "other";
        }
        String m = method;
        String t = tool;
        mcpCalls.computeIfAbsent(route + '\u0000' + m + '\u0000' + t + '\u0000' + r.decision().code(), k ->
                Counter.builder("drawbridge.mcp.calls").description("MCP calls, by route, method, tool and decision")
                        .tags("route", route, "method", m, "tool", t, "decision", r.decision().code())
                        .register(registry)).increment();
    }

    public void bindIssuers(IssuerRegistry issuers) {
        FunctionCounter.builder("drawbridge.token.cache.hits", issuers, i -> i.verifiedTokens().hitsAndMisses()[0])
                .register(registry);
        FunctionCounter.builder("drawbridge.token.cache.misses", issuers, i -> i.verifiedTokens().hitsAndMisses()[1])
                .register(registry);
        for (TrustedIssuer issuer : issuers.issuers()) {
            FunctionCounter.builder("drawbridge.jwks.fetches", issuer, i -> i.keyFetches()[0])
                    .tags("issuer", issuer.name(), "outcome", "success").register(registry);
            FunctionCounter.builder("drawbridge.jwks.fetches", issuer, i -> i.keyFetches()[1])
                    .tags("issuer", issuer.name(), "outcome", "failure").register(registry);
            FunctionCounter.builder("drawbridge.jwks.weak.key.refusals", issuer, TrustedIssuer::weakKeyRefusals)
                    .description("tokens refused because only a weak key (RSA under 2048 bits, EC off the list) "
                            + "would verify them")
                    .tags("issuer", issuer.name()).register(registry);
            Gauge.builder("drawbridge.issuer.keys.available", issuer, i -> i.hasKeys() ? 1 : 0)
                    .tags("issuer", issuer.name()).register(registry);
        }
    }

    public void bindAudit(QueuedAuditSink audit) {
        Gauge.builder("drawbridge.audit.backlog", audit, QueuedAuditSink::backlog)
                .description("Audit records accepted and not yet written").register(registry);
        Gauge.builder("drawbridge.audit.failing", audit, a -> a.failing() ? 1 : 0)
                .description("1 while the audit sink cannot write: its last write failed or has stalled")
                .register(registry);
    }

    public void bindCaches(AssetCaches caches) {
        Gauge.builder("drawbridge.cache.entries", caches, AssetCaches::entries)
                .description("Responses kept by the routes' asset caches").register(registry);
        Gauge.builder("drawbridge.cache.size", caches, AssetCaches::bytes).baseUnit("bytes")
                .description("Bytes held by the routes' asset caches").register(registry);
    }

    public void bindRoutes(IntSupplier catalogRoutes) {
        Gauge.builder("drawbridge.catalog.routes", catalogRoutes, IntSupplier::getAsInt).strongReference(true)
                .description("Routes declared in the catalog and serving").register(registry);
    }

    public void bindConfigMap(ConfigMapRoutes routes) {
        Gauge.builder("drawbridge.configmap.reachable", routes, r -> r.reachable() ? 1 : 0)
                .description("Whether the API server answered the last read of a route ConfigMap")
                .tags("configmap", routes.name()).register(registry);
        Gauge.builder("drawbridge.configmap.staleness", routes, ConfigMapRoutes::staleness).baseUnit("seconds")
                .description("Time since a route ConfigMap was last read").tags("configmap", routes.name())
                .register(registry);
        FunctionCounter.builder("drawbridge.configmap.updates", routes, ConfigMapRoutes::updates)
                .description("Changes of a route ConfigMap applied since startup").tags("configmap", routes.name())
                .register(registry);
    }

    /** The access requests' meters, on this registry (created on first use). */
    public synchronized AccessMetrics access() {
        if (access == null) {
            access = new AccessMetrics(registry);
        }
        return access;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    private static long parseSeconds(String stale) {
        try {
            return Long.parseLong(stale.substring("stale:".length(), stale.length() - 1));
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
