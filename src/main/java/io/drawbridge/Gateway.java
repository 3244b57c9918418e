package io.drawbridge;

import io.drawbridge.access.AccessApi;
import io.drawbridge.access.AccessRequests;
import io.drawbridge.access.AccessStore;
import io.drawbridge.audit.AuditSink;
import io.drawbridge.audit.EndpointAuditSink;
import io.drawbridge.audit.FileAuditSink;
import io.drawbridge.audit.InstanceName;
import io.drawbridge.audit.QueuedAuditSink;
import io.drawbridge.authn.IssuerRegistry;
import io.drawbridge.authn.TrustedIssuer;
import io.drawbridge.authn.session.BrowserLogin;
import io.drawbridge.config.ConfigMapRef;
import io.drawbridge.config.ConfigProblem;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.InvalidConfiguration;
import io.drawbridge.edge.EventLoops;
import io.drawbridge.edge.GatewayComponent;
import io.drawbridge.edge.HttpListener;
import io.drawbridge.edge.RequestTracing;
import io.drawbridge.explain.ExplainEndpoint;
import io.drawbridge.explain.ServedRoute;
import io.drawbridge.identity.Catalog;
import io.drawbridge.identity.CatalogRoleSource;
import io.drawbridge.identity.CatalogUnavailable;
import io.drawbridge.identity.Identity;
import io.drawbridge.identity.RoleSource;
import io.drawbridge.limit.RateLimiter;
import io.drawbridge.ops.CatalogReadiness;
import io.drawbridge.ops.ConfigMapRoutes;
import io.drawbridge.ops.GatewayLog;
import io.drawbridge.ops.GatewayMetrics;
import io.drawbridge.ops.HotReload;
import io.drawbridge.ops.KubernetesConnection;
import io.drawbridge.ops.ManagementServer;
import io.drawbridge.ops.Readiness;
import io.drawbridge.ops.RouteFileReloader;
import io.drawbridge.page.PageSettings;
import io.drawbridge.policy.Policies;
import io.drawbridge.policy.PolicyEvaluator;
import io.drawbridge.policy.RequestFacts;
import io.drawbridge.policy.RoutePolicy;
import io.drawbridge.proxy.AssertionSigner;
import io.drawbridge.proxy.IdentityHeaders;
import io.drawbridge.proxy.ServiceDiscovery;
import io.drawbridge.proxy.UpstreamClient;
import io.drawbridge.proxy.UpstreamTls;
import io.drawbridge.route.CatalogRoutes;
import io.drawbridge.route.DrawbridgeComponent;
import io.drawbridge.route.RouteOwners;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.camel.CamelContext;
import org.apache.camel.ManagementStatisticsLevel;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.main.DefaultMainShutdownStrategy;
import org.apache.camel.main.Main;
import org.apache.camel.model.ModelCamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: builds every stage from the configuration, wires them into Camel Main as the
 * {@code gateway:} and {@code drawbridge:} components, and shuts down in the order that loses no audit record
 * (stop accepting, stop routes, finish in-flight I/O, drain the audit sink, then stop Camel, which the audit
 * endpoint needs until then).
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final EventLoops loops;
    private final AuditSink audit;
    private final HttpListener listener;
    private final List<ThreadPoolExecutor> executors;
    private final Main main;
    private final List<AutoCloseable> resources;
    private boolean closed;
    private ManagementServer management;
    private AccessRequests access;

    private Gateway(GatewayConfig config, EventLoops loops, AuditSink audit, HttpListener listener,
                    List<ThreadPoolExecutor> executors, Main main, List<AutoCloseable> resources) {
        this.config = config;
        this.loops = loops;
        this.audit = audit;
        this.listener = listener;
        this.executors = executors;
        this.main = main;
        this.resources = resources;
    }

    /**
     * Starts a gateway.
     *
     * @param config     the validated configuration
     * @param properties Camel properties for the routes, on top of the configuration's own
     * @param builders   routes written in Java, on top of the configured route files
     * @param resources  things to close after the gateway (e.g. dev-mode helpers)
     */
    /** The upstream client; TLS files the configuration check passed but that cannot be used refuse the start. */
    private static UpstreamClient upstreamClient(GatewayConfig config, EventLoops loops) {
        try {
            return new UpstreamClient(loops, config.upstreams());
        } catch (UpstreamTls.Unusable e) {
            loops.close();
            throw new InvalidConfiguration(List.of(new ConfigProblem(String.valueOf(config.source()), 0, e.field(),
                    e.getMessage())));
        }
    }

    public static Gateway start(GatewayConfig config, Map<String, String> properties, List<RoutesBuilder> builders,
                                List<AutoCloseable> resources) {
        return start(config, UnaryOperator.identity(), properties, builders, resources);
    }

    /**
     * Starts a gateway whose configuration is its file's with some changes made on start (Hawtio turned on, dev
     * mode's demo catalog): hot reload makes them again to each new reading of the file, so that they are not
     * taken for edits of it.
     *
     * @param config      the validated configuration, {@code changes} applied
     * @param changes     what was changed in the file's configuration on start
     */
    public static Gateway start(GatewayConfig config, UnaryOperator<GatewayConfig> changes,
                                Map<String, String> properties, List<RoutesBuilder> builders,
                                List<AutoCloseable> resources) {
        GatewayLog.apply(config.logging()); // first, so that every line the gateway logs has the configured format
        Policies policies = Policies.compile(config.policies(), (field, message) -> {
            throw new InvalidConfiguration(List.of(new ConfigProblem(String.valueOf(config.source()), 0, field,
                    message)));
        });
        // Route ConfigMaps are read before anything starts: without their routes the gateway does not start.
        var kubernetes = new KubernetesConnection(config.kubernetes());
        List<ConfigMapRoutes> configMaps = new ArrayList<>();
        List<String> routeLocations = new ArrayList<>();
        try {
            for (String location : config.routes()) {
                if (ConfigMapRef.isConfigMap(location)) {
                    var routes = ConfigMapRoutes.open(kubernetes, ConfigMapRef.parse(location), config.kubernetes());
                    configMaps.add(routes);
                    routeLocations.add(routes.location());
                } else {
                    routeLocations.add(location);
                }
            }
        } catch (RuntimeException e) {
            kubernetes.close();
            throw new StartupFailure(null, e);
        }
        EventLoops loops = new EventLoops(0);
        AtomicReference<CamelContext> context = new AtomicReference<>();
        String instance = InstanceName.of(config.audit().instance(), System.getenv());
        AuditSink audit = config.audit().endpoint() != null
                ? new EndpointAuditSink(context::get, config.audit().endpoint(), config.audit().maxBacklog(), instance)
                : new FileAuditSink(Path.of(config.audit().file()), config.audit().maxBacklog(), instance);
        HttpListener listener = new HttpListener(config.server(), config.identityHeaders(), loops, audit);
        listener.refuseWhenAuditBehind(config.audit().refusesWhenBehind());
        listener.auditMcpArguments(config.audit().auditsMcpArguments());
        var tracing = RequestTracing.from(config.management().tracing());
        listener.tracing(tracing);
        ThreadPoolExecutor authExecutor = boundedExecutor("drawbridge-keys");
        ThreadPoolExecutor catalogExecutor = boundedExecutor("drawbridge-catalog");
        Catalog catalog = config.catalog() == null ? null : Catalog.of(config.catalog());
        // Refusal pages name a route's owners from the catalog, read in the background.
        var owners = catalog == null ? null
                : new RouteOwners(catalog).start(config.catalog().pollInterval());
        listener.pages(new PageSettings("Drawbridge",
                config.login() == null ? null : config.login().logoutPath(),
                config.catalog() == null || config.catalog().backstage() == null ? null
                        : config.catalog().backstage().portalUrl(),
                owners == null ? null : owners::of));
        RoleSource roles = catalog == null ? null : new CatalogRoleSource(catalog,
                CatalogRoleSource.Options.of(config.catalog()), catalogExecutor, Clock.systemUTC());
        IssuerRegistry issuers = IssuerRegistry.of(config.issuers().stream()
                .map(issuer -> config.login() != null && issuer.name().equals(config.login().issuer())
                        ? issuer.withAuthorizedParty(config.login().clientId()) : issuer)
                .toList());
        var assertions = new AssertionSigner(config.assertion().issuer(),
                config.assertion().keyFile() == null ? null : Path.of(config.assertion().keyFile()),
                config.assertion().lifetime(), Clock.systemUTC());
        var currentPolicies = new AtomicReference<>(policies);
        BrowserLogin login = config.login() == null ? null : new BrowserLogin(config, issuers, authExecutor,
                config.server().tls() != null, Clock.systemUTC());
        var services = new ServiceDiscovery(kubernetes::client, kubernetes::namespace, Duration.ofSeconds(10));
        AtomicReference<Main> mainRef = new AtomicReference<>();
        AccessRequests access = accessRequests(config, catalog, roles, audit, context,
                currentPolicies::get, mainRef::get, kubernetes, loops);
        var stages = new DrawbridgeComponent.Stages(issuers, issuers.names(), authExecutor, currentPolicies::get,
                upstreamClient(config, loops), new IdentityHeaders(config.identityHeaders()),
                assertions, roles, login, services, new RateLimiter(),
                access == null ? null : access.grants());

        Main main = new Main();
        var conf = main.configure();
        conf.setName("drawbridge");
        conf.setRoutesIncludePattern(String.join(",", routeLocations));
        conf.setSourceLocationEnabled(true);
        conf.setShutdownTimeout(15);
        // The gateway closes itself on SIGTERM (Drawbridge's hook, in order: listener, routes, audit). Camel's own
        // hang-up handler would wait for a Main that never returns when the signal comes during startup.
        if (main.getShutdownStrategy() instanceof DefaultMainShutdownStrategy hangup) {
            hangup.disableHangupSupport();
        }
        conf.setTracing(false);
        conf.setMessageHistory(false);
        // Route-level statistics for Hawtio and JMX; per-processor counters would cost on every step.
        conf.setJmxManagementStatisticsLevel(ManagementStatisticsLevel.RoutesOnly);
        conf.addRoutesBuilder(new BuiltInRoutes(assertions));
        if (login != null) {
            conf.addRoutesBuilder(login.routes());
            login.prefetch();
        }
        if (access != null) {
            if (config.issuers().isEmpty()) {
                LOG.warn("access requests: no issuer is configured, so {} is not served",
                        AccessApi.PATH);
            } else {
                conf.addRoutesBuilder(access.routes());
            }
        }
        builders.forEach(conf::addRoutesBuilder);
        config.properties().forEach(main::addInitialProperty);
        properties.forEach(main::addInitialProperty);
        main.bind("gateway", new GatewayComponent(listener));
        main.bind("drawbridge", new DrawbridgeComponent(stages));
        mainRef.set(main);
        List<AutoCloseable> owned = new ArrayList<>(resources);
        if (access != null) {
            owned.add(access.start());
        }
        if (owners != null) {
            owned.add(owners);
        }
        owned.addAll(configMaps);
        owned.add(services);
        owned.add(kubernetes);
        var gateway = new Gateway(config, loops, audit, listener, List.of(authExecutor, catalogExecutor), main,
                owned);
        gateway.access = access;
        gateway.resources.add(tracing); // after the audit: spans end as their records are written
        try {
            main.start();
            context.set(main.getCamelContext());
            if (main.getCamelContext() == null || !main.getCamelContext().isStarted()) {
                throw new IllegalStateException("Camel did not start (see the log above)");
            }
        } catch (Exception e) {
            String where = RouteLocations.describe(main.getCamelContext(), e);
            gateway.close();
            if (where != null) {
                // Camel stops at the first bad route: list every problem of every route file, as check does.
                // Offline: a k8s:// Service is not looked up again (its failure stays a startup failure).
                List<ConfigProblem> problems = RouteProblems.find(config, properties, routeLocations);
                if (!problems.isEmpty()) {
                    throw new InvalidConfiguration(problems);
                }
            }
            throw new StartupFailure(where, e);
        }
        listener.start(); // also when no route listens yet: the port is the gateway's promise
        CatalogRoutes discovered = null;
        if (catalog != null && config.catalog().routes()) {
            discovered = new CatalogRoutes(main.getCamelContext(), catalog, listener, audit);
            gateway.resources.add(0, discovered);
            discovered.start(config.catalog().pollInterval());
        }
        try {
            CatalogReadiness catalogReady = catalog == null ? null : new CatalogReadiness(catalog, catalogExecutor,
                    discovered == null ? null : discovered::reached,
                    () -> CatalogReadiness.anyRouteEnriches(main.getCamelContext()));
            gateway.startOperations(issuers, authExecutor, discovered, catalogReady, configMaps,
                    gateway.explainer(currentPolicies::get, roles, catalog));
        } catch (RuntimeException e) {
            gateway.close();
            throw new StartupFailure(e.getMessage(), e);
        }
        var reload = new HotReload(config, changes, ConfigChecks.loader(System::getenv), currentPolicies,
                new RouteFileReloader(main.getCamelContext(), audit, new RouteFileReloader.SwapWindow() {
                    @Override
                    public void begin(Collection<String> routeIds) {
                        listener.routes().beginSwap(routeIds);
                    }

                    @Override
                    public void end(Collection<String> routeIds) {
                        listener.routes().endSwap(routeIds);
                    }
                }), audit);
        gateway.resources.add(0, reload);
        configMaps.forEach(routes -> reload.addRouteLocation(routes.location()));
        reload.start();
        try {
            for (ConfigMapRoutes routes : configMaps) {
                routes.start(main.getCamelContext(), reload::scan);
            }
        } catch (Exception e) {
            gateway.close();
            throw new StartupFailure(null, e);
        }
        return gateway;
    }

    /**
     * Access requests, when a policy takes them or the file has an access section: the store is opened (and its
     * schema migrated) before anything starts, so a store that cannot be opened refuses the start.
     */
    private static AccessRequests accessRequests(
            GatewayConfig config, Catalog catalog, RoleSource roles, AuditSink audit,
            AtomicReference<CamelContext> context, Supplier<Policies> policies,
            Supplier<Main> main, KubernetesConnection kubernetes, EventLoops loops) {
        if (!config.takesAccessRequests()) {
            return null;
        }
        AccessStore store;
        try {
            store = AccessRequests.openStore(config.accessOrDefaults());
        } catch (RuntimeException e) {
            kubernetes.close();
            loops.close();
            audit.close();
            throw new StartupFailure("the access store cannot be opened: " + e.getMessage(), e);
        }
        Function<String, RoutePolicy> policyOf = route -> {
            CamelContext camel = main.get() == null ? null : main.get().getCamelContext();
            if (camel == null || route == null) {
                return RoutePolicy.NONE;
            }
            var definition = ((ModelCamelContext) camel).getRouteDefinition(route);
            var served = definition == null ? null
                    : ServedRoute.of(definition, camel::resolvePropertyPlaceholders);
            return served == null || served.policy() == null ? RoutePolicy.NONE
                    : policies.get().get(served.policy());
        };
        var approvers = roles instanceof CatalogRoleSource catalogRoles ? catalogRoles : null;
        Function<Identity, List<String>> reachable = who -> {
            CamelContext camel = main.get() == null ? null : main.get().getCamelContext();
            List<String> routes = new ArrayList<>();
            if (camel == null) {
                return routes;
            }
            var identity = approvers == null ? who : who.withGroups(approvers.currentRefs(who));
            for (var definition : ((ModelCamelContext) camel).getRouteDefinitions()) {
                var served = ServedRoute.of(definition, camel::resolvePropertyPlaceholders);
                if (served == null || served.policy() == null) {
                    continue;
                }
                var facts = new RequestFacts("GET", served.prefix().equals("/") ? "/"
                        : served.prefix() + "/", served.host() == null ? "localhost" : served.host());
                if (PolicyEvaluator.evaluate(policies.get().get(served.policy()), facts,
                        identity).allowed()) {
                    routes.add(served.id() + " (" + served.prefix() + ")");
                }
            }
            return routes;
        };
        return new AccessRequests(config, store, catalog, approvers, audit, context::get,
                policyOf, reachable, Clock.systemUTC());
    }

    /** For work that waits on the network (key and catalog fetches): bounded, and refusing when full. */
    private static ThreadPoolExecutor boundedExecutor(String name) {
        return new ThreadPoolExecutor(2, 8, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Metrics, readiness and the management port; and the issuers' keys fetched before the first request. */
    /** {@code POST /explain}: the live routes (catalog-declared ones read afresh), policies and catalog. */
    private ExplainEndpoint explainer(Supplier<Policies> policies,
                                                            RoleSource roles, Catalog catalog) {
        return new ExplainEndpoint(() -> {
            CamelContext camel = camelContext();
            List<ServedRoute> routes = new ArrayList<>();
            for (var definition : ((ModelCamelContext) camel).getRouteDefinitions()) {
                if (definition.getRouteId() != null && definition.getRouteId().startsWith(CatalogRoutes.ROUTE_PREFIX)) {
                    continue; // read from the catalog below, with their policies
                }
                var route = ServedRoute.of(definition, camel::resolvePropertyPlaceholders);
                if (route != null) {
                    routes.add(route);
                }
            }
            if (catalog != null) {
                try {
                    routes.addAll(ServedRoute.declaredIn(catalog));
                } catch (CatalogUnavailable e) {
                    LOG.warn("explain: catalog-declared routes not read: {}", e.getMessage());
                }
            }
            return routes;
        }, policies, roles, config.issuers().isEmpty() ? null : config.issuers().get(0).name());
    }

    private void startOperations(IssuerRegistry issuers, ThreadPoolExecutor keyFetchers, CatalogRoutes discovered,
                                 CatalogReadiness catalogReady, List<ConfigMapRoutes> configMaps,
                                 ExplainEndpoint explain) {
        var metrics = new GatewayMetrics();
        configMaps.forEach(metrics::bindConfigMap);
        metrics.bindIssuers(issuers);
        DrawbridgeComponent steps = camelContext().getComponent("drawbridge", DrawbridgeComponent.class);
        if (steps != null) {
            metrics.bindCaches(steps.caches());
        }
        if (audit instanceof QueuedAuditSink queued) {
            metrics.bindAudit(queued);
            queued.observe(metrics::observe);
        }
        if (discovered != null) {
            metrics.bindRoutes(discovered::serving);
        }
        if (access != null) {
            access.bind(metrics.access());
        }
        for (TrustedIssuer issuer : issuers.issuers()) {
            keyFetchers.execute(issuer::prefetchKeys); // readiness waits for these, requests need not
        }
        var readiness = new Readiness()
                .add("camel", () -> camelContext().isStarted() ? null : "Camel is not started")
                .add("listener", () -> listener.port() > 0 ? null : "the listener is not bound")
                .add("issuers", () -> {
                    var missing = issuers.issuers().stream().filter(i -> !i.hasKeys()).map(TrustedIssuer::name)
                            .toList();
                    if (!missing.isEmpty()) {
                        missing.forEach(name -> issuers.issuers().stream().filter(i -> i.name().equals(name))
                                .forEach(i -> keyFetchers.execute(i::prefetchKeys)));
                        return "no keys yet for " + missing;
                    }
                    return null;
                })
                .add("audit", () -> audit instanceof QueuedAuditSink q && q.failing()
                        ? "the audit sink cannot write (failed or stalled for over "
                                + QueuedAuditSink.STALLED_AFTER_MILLIS + " ms); backlog " + q.backlog() : null);
        if (access != null) {
            readiness.add("access", access::problem);
        }
        if (catalogReady != null) {
            catalogReady.probe();
            readiness.add("catalog", catalogReady::problem);
        }
        if (config.management().enabled()) {
            var management = new ManagementServer(config.management(), readiness, metrics::scrape,
                    Path.of(".drawbridge"), audit);
            resources.add(management);
            management.explain(explain::handle);
            management.start();
            this.management = management;
        }
    }

    public int port() {
        return listener.port();
    }

    /** The plain-HTTP port that redirects to https ({@code server.tls.redirectPort}), or -1 when there is none. */
    public int redirectPort() {
        return listener.redirectPort();
    }

    /** The management port, or -1 when it is off. */
    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    public GatewayConfig config() {
        return config;
    }

    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable resource : resources) {
            if (resource instanceof CatalogRoutes || resource instanceof HotReload
                    || resource instanceof ConfigMapRoutes) {
                try {
                    resource.close(); // no route changes while shutting down
                } catch (Exception e) {
                    LOG.warn("closing {}: {}", resource, e.getMessage());
                }
            }
        }
        if (audit instanceof QueuedAuditSink queued) {
            queued.shutdownStarting(); // a failing sink's wait runs alongside the drain, not after it
        }
        listener.close();
        listener.awaitDrained(Duration.ofSeconds(10)); // in-flight responses end, then their connections
        CamelContext camel = main.getCamelContext();
        try {
            if (camel != null && camel.isStarted()) {
                camel.getRouteController().stopAllRoutes(); // graceful: in-flight exchanges finish
            }
        } catch (Exception e) {
            LOG.warn("stopping the routes: {}", e.getMessage());
        }
        loops.close();
        executors.forEach(ThreadPoolExecutor::shutdownNow);
        audit.close(); // while Camel still runs: an audit endpoint is a Camel endpoint
        try {
            main.stop();
        } catch (Exception e) {
            LOG.warn("stopping Camel: {}", e.getMessage());
        }
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", resource, e.getMessage());
            }
        }
    }

    /** The gateway could not start; the message says why, without a stack trace. */
    public static final class StartupFailure extends RuntimeException {
        StartupFailure(String where, Throwable cause) {
            super(where != null ? where : describe(cause), cause);
        }

        private static String describe(Throwable cause) {
            var sb = new StringBuilder();
            String last = null;
            for (Throwable t = cause; t != null; t = t.getCause()) {
                String message = t.getMessage();
                if (message != null && !message.equals(last) && (last == null || !last.contains(message))) {
                    if (sb.length() > 0) {
                        sb.append("\n  caused by: ");
                    }
                    sb.append(message);
                    last = message;
                }
            }
            return sb.toString();
        }
    }
}
