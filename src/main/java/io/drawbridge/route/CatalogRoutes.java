package io.drawbridge.route;

import io.drawbridge.Outcome;
import io.drawbridge.Reason;
import io.drawbridge.audit.AuditRecord;
import io.drawbridge.audit.AuditSink;
import io.drawbridge.edge.HttpListener;
import io.drawbridge.edge.RouteTable;
import io.drawbridge.identity.Catalog;
import io.drawbridge.identity.CatalogText;
import io.drawbridge.identity.CatalogUnavailable;
import io.drawbridge.identity.RoutedEntity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes no one wrote by hand: every catalog entity that declares {@code drawbridge.io/*} annotations becomes a
 * protected route (authenticate, enrich, authorize with the declared refs, proxy), and goes away when the entity
 * does. The catalog is polled; each round reconciles the running routes with it.
 * <p>
 * A declaration is refused, with a log line and an audit event, when it is invalid, when its path overlaps a
 * hand-written route (the catalog cannot take over or hide inside an operator's route), or when it overlaps another
 * entity's path (the one already serving keeps it; if neither was, neither gets it). Refusals and a catalog that is
 * down never touch the routes that were working.
 */
public final class CatalogRoutes implements AutoCloseable {

    public static final String ROUTE_PREFIX = "catalog-";
    private static final Logger LOG = LoggerFactory.getLogger(CatalogRoutes.class);

    private final CamelContext context;
    private final Catalog catalog;
    private final RouteTable routeTable;
    private final AuditSink audit;
    private final ScheduledExecutorService poller;
    private final Map<String, RouteDeclaration> active = new LinkedHashMap<>(); // by entity ref
    private Map<String, String> rejected = Map.of();                           // entity ref -> why
    private boolean catalogDown;
    private volatile boolean reached;
    private volatile int serving;

    public CatalogRoutes(CamelContext context, Catalog catalog, HttpListener listener, AuditSink audit) {
        this.context = context;
        this.catalog = catalog;
        this.routeTable = listener.routes();
        this.audit = audit;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drawbridge-catalog-routes");
            t.setDaemon(true);
            return t;
        });
    }

    /** Reconciles once now, then every {@code interval}. */
    public void start(Duration interval) {
        reconcile();
        poller.scheduleWithFixedDelay(this::reconcileQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.error("catalog route discovery failed; the running routes stay as they are", e);
        }
    }

    /** One round: read the catalog, decide which declarations stand, and change only what changed. */
    public synchronized void reconcile() {
        List<RoutedEntity> entities;
        try {
            entities = catalog.routedEntities();
        } catch (CatalogUnavailable e) {
            if (!catalogDown) {
                LOG.warn("catalog unavailable for route discovery ({}); keeping the {} catalog route(s) as they are",
                        e.getMessage(), active.size());
            }
            catalogDown = true;
            return;
        }
        if (catalogDown) {
            LOG.info("catalog reachable again for route discovery");
            catalogDown = false;
        }
        reached = true;
        Map<String, String> refusals = new LinkedHashMap<>();
        Map<String, RouteDeclaration> wanted = new LinkedHashMap<>();
        for (RoutedEntity entity : entities) {
            if (!entity.declaresRoute()) {
                continue; // only claims hand-written routes (drawbridge.io/routes), for their refusal pages
            }
            try {
                wanted.put(entity.ref(), RouteDeclaration.of(entity));
            } catch (RouteDeclaration.Invalid e) {
                refusals.put(entity.ref(), e.getMessage());
            }
        }
        refuseOverlapsWithHandWrittenRoutes(wanted, refusals);
        refuseOverlapsBetweenEntities(wanted, refusals);
        apply(wanted, refusals);
        serving = active.size();
        report(refusals);
    }

    private void refuseOverlapsWithHandWrittenRoutes(Map<String, RouteDeclaration> wanted, Map<String, String> refusals) {
        for (RouteTable.Entry entry : routeTable.entries()) {
            if (entry.host() != null || entry.routeId().startsWith(ROUTE_PREFIX)) {
                continue;
            }
            wanted.values().removeIf(d -> {
                if (overlaps(d.path(), entry.prefix())) {
                    refusals.put(d.entity(), "drawbridge.io/path " + d.path() + " overlaps the route '"
                            + entry.routeId() + "' on " + entry.prefix());
                    return true;
                }
                return false;
            });
        }
    }

    private void refuseOverlapsBetweenEntities(Map<String, RouteDeclaration> wanted, Map<String, String> refusals) {
        List<RouteDeclaration> all = new ArrayList<>(wanted.values());
        for (RouteDeclaration d : all) {
            List<RouteDeclaration> rivals = all.stream()
                    .filter(o -> o != d && overlaps(o.path(), d.path())).toList();
            if (rivals.isEmpty()) {
                continue;
            }
            RouteDeclaration serving = active.get(d.entity());
            boolean keeps = serving != null && serving.path().equals(d.path())
                    && rivals.stream().noneMatch(r -> active.containsKey(r.entity())
                    && overlaps(active.get(r.entity()).path(), d.path()));
            if (!keeps) {
                wanted.remove(d.entity());
                refusals.put(d.entity(), "drawbridge.io/path " + d.path() + " overlaps the path declared by "
                        + String.join(", ", rivals.stream().map(RouteDeclaration::entity).toList()));
            }
        }
    }

    private void apply(Map<String, RouteDeclaration> wanted, Map<String, String> refusals) {
        for (var it = active.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            RouteDeclaration now = wanted.get(entry.getKey());
            if (!entry.getValue().equals(now)) {
                remove(entry.getValue());
                it.remove();
            }
        }
        for (RouteDeclaration d : wanted.values()) {
            if (active.containsKey(d.entity())) {
                continue;
            }
            try {
                add(d);
                active.put(d.entity(), d);
            } catch (Exception e) {
                refusals.put(d.entity(), "route could not be started: " + e.getMessage());
                removeQuietly(d.routeId());
            }
        }
    }

    private void add(RouteDeclaration d) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gateway:" + d.path() + (d.mcp() != null ? "?mcp=true" : "")).routeId(d.routeId())
                        .to("drawbridge:authenticate?" + d.authenticateQuery())
                        .to("drawbridge:enrich")
                        .process(new AuthorizeStep(d.policy()))
                        .to("drawbridge:proxy?upstream=RAW(" + d.upstream() + ")&stripPrefix=true");
            }
        });
        LOG.info("catalog route {} on {} -> {} for {}", d.routeId(), d.path(), d.upstream(), d.allowed());
    }

    private void remove(RouteDeclaration d) {
        removeQuietly(d.routeId());
        LOG.info("catalog route {} on {} removed", d.routeId(), d.path());
    }

    private void removeQuietly(String routeId) {
        try {
            if (context.getRoute(routeId) != null) {
                context.getRouteController().stopRoute(routeId, 10, TimeUnit.SECONDS);
                context.removeRoute(routeId);
            }
        } catch (Exception e) {
            LOG.error("cannot remove catalog route {}: {}", routeId, e.getMessage());
        }
    }

    /** A refusal is logged and audited when it first appears or changes, not on every round. */
    private void report(Map<String, String> refusals) {
        Map<String, String> before = rejected;
        for (var refusal : refusals.entrySet()) {
            if (Objects.equals(before.get(refusal.getKey()), refusal.getValue())) {
                continue;
            }
            String why = CatalogText.printable(refusal.getValue()); // annotation values are the catalog's text
            LOG.warn("catalog route of {} refused: {}", refusal.getKey(), why);
            audit.accept(new AuditRecord(Instant.now(), "catalog-" + Long.toString(System.nanoTime(), 36),
                    Outcome.ERROR, Reason.CATALOG_ROUTE_REJECTED.code(),
                    refusal.getKey() + ": " + why, null, null, null, List.of(),
                    ROUTE_PREFIX + refusal.getKey().replaceAll("[^a-z0-9-]+", "-"), null, "-", "-", "", 0, null,
                    null, 0, 0, 0, null, null));
        }
        rejected = new HashMap<>(refusals);
    }

    /** Whether the catalog has answered route discovery at least once. */
    public boolean reached() {
        return reached;
    }

    /** How many catalog routes serve now. */
    public int serving() {
        return serving;
    }

    /** The catalog routes now serving, by entity ref. */
    public synchronized Map<String, RouteDeclaration> active() {
        return Map.copyOf(active);
    }

    public synchronized Map<String, String> refused() {
        return Map.copyOf(rejected);
    }

    static boolean overlaps(String a, String b) {
        return a.equals(b) || b.equals("/") || a.startsWith(b + "/") || b.startsWith(a + "/");
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
