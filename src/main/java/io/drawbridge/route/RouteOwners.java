package io.drawbridge.route;

import io.drawbridge.identity.Catalog;
import io.drawbridge.identity.CatalogUnavailable;
import io.drawbridge.identity.RoutedEntity;
import io.drawbridge.page.RouteOwner;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who owns each route, from the catalog, for refusal pages: a catalog-declared route belongs to its entity's
 * owner; a hand-written one to the owner of the entity whose {@code drawbridge.io/routes} annotation names its
 * id. Read in the background every poll interval; {@link #of} only reads the last answer, so a page never waits
 * on the catalog, and a catalog that is down leaves the last answer in place.
 */
public final class RouteOwners implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteOwners.class);

    private final Catalog catalog;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "drawbridge-route-owners");
        t.setDaemon(true);
        return t;
    });
    private volatile Map<String, RouteOwner> byRoute = Map.of();

    public RouteOwners(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Reads the catalog now (in the background) and then every {@code interval}. */
    public RouteOwners start(Duration interval) {
        poller.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The owner of the route, or {@code null} when the catalog names none (or has not answered yet). */
    public RouteOwner of(String routeId) {
        return byRoute.get(routeId);
    }

    void refresh() {
        try {
            byRoute = owners(catalog.routedEntities());
        } catch (CatalogUnavailable e) {
            LOG.debug("route owners: catalog unavailable ({}); keeping the last answer", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("route owners: {}", e.toString());
        }
    }

    /** Route id to owner, from the entities that declare or claim routes. */
    public static Map<String, RouteOwner> owners(List<RoutedEntity> entities) {
        Map<String, RouteOwner> owners = new HashMap<>();
        for (RoutedEntity entity : entities) {
            RouteOwner owner = new RouteOwner(entity.ref(), entity.owner());
            if (entity.declaresRoute()) {
                owners.put(RouteDeclaration.routeIdOf(entity.ref()), owner);
            }
            String claimed = entity.annotations().get(RoutedEntity.OWNED_ROUTES);
            if (claimed != null) {
                for (String id : claimed.split(",")) {
                    if (!id.isBlank()) {
                        owners.putIfAbsent(id.strip(), owner);
                    }
                }
            }
        }
        return Map.copyOf(owners);
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
