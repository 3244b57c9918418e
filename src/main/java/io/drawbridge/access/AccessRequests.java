package io.drawbridge.access;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.audit.AuditSink;
import io.drawbridge.config.AccessConfig;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.identity.Catalog;
import io.drawbridge.identity.CatalogRoleSource;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Decision;
import io.drawbridge.policy.RoutePolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access requests, assembled from the configuration: the store, the active grants every authorize step reads, the
 * rules ({@link AccessDesk}), the API and pages at {@value AccessApi#PATH}, the notifications and the audit
 * events. Built by the gateway when a policy takes requests or the file has an {@code access} section.
 */
public final class AccessRequests implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessRequests.class);

    private final GatewayConfig config;
    private final AccessStore store;
    private final ActiveGrants grants;
    private final AccessNotifier notifier;
    private final AccessDesk desk;
    private final ThreadPoolExecutor executor;
    private final Supplier<CamelContext> camel;
    private final UnansweredRequests unanswered;
    private final Function<Identity, List<String>> reachable;
    private volatile AccessMetrics metrics;

    /**
     * @param policyOf  a route's policy by route id (read at each call: hot reload changes them)
     * @param reachable the routes an identity reaches now, for "My access"
     */
    public AccessRequests(GatewayConfig config, AccessStore store, Catalog catalog, CatalogRoleSource roles,
                          AuditSink audit, Supplier<CamelContext> camel, Function<String, RoutePolicy> policyOf,
                          Function<Identity, List<String>> reachable, Clock clock) {
        AccessConfig access = config.accessOrDefaults();
        this.config = config;
        this.store = store;
        this.camel = camel;
        this.grants = new ActiveGrants(store, access.refresh(), access.maxStaleness(), clock);
        this.notifier = new AccessNotifier(camel, access.notifyUris());
        this.desk = new AccessDesk(store, policyOf, new Approvers(catalog, roles), access, new AccessEvents(audit),
                notifier::announce, grants::refreshNow, (outcome, waited) -> {
                    AccessMetrics bound = metrics;
                    if (bound != null) {
                        bound.decided(outcome, waited);
                    }
                }, clock);
        this.unanswered = new UnansweredRequests(store, UnansweredRequests.DEFAULT_EVERY, clock, desk::expired);
        this.executor = new ThreadPoolExecutor(2, 4, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "drawbridge-access");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        this.reachable = reachable;
    }

    /** Opens the configured store (Flyway brings its schema up to date). */
    public static AccessStore openStore(AccessConfig access) {
        return JdbcAccessStore.open(access.store().url(), access.store().username(), access.store().password());
    }

    /** Starts reading the active grants and expiring unanswered requests. */
    public AccessRequests start() {
        grants.start();
        unanswered.start();
        return this;
    }

    /** Publishes open requests, active grants and the time to decision on these meters. */
    public void bind(AccessMetrics meters) {
        meters.watch(grants);
        meters.watch(unanswered);
        this.metrics = meters;
    }

    /** What the authorize steps admit by. */
    public GrantLookup grants() {
        return grants::find;
    }

    public ActiveGrants activeGrants() {
        return grants;
    }

    public AccessDesk desk() {
        return desk;
    }

    public AccessStore store() {
        return store;
    }

    /** Readiness: {@code null} while grants can be read, else why not. */
    public String problem() {
        return grants.problem();
    }

    /**
     * The routes: the API and pages, authenticated (session cookie or bearer token), and the OpenAPI document,
     * public like any API description.
     */
    public RouteBuilder routes() {
        String login = config.login() != null ? "?login=browser" : "";
        String base = publicBase();
        var api = new AccessApi(desk, executor, "Drawbridge",
                config.login() == null ? null : config.login().logoutPath(), reachable, () -> base);
        String openapi = openApi();
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("gateway:" + AccessApi.PATH + "?bufferBody=true&maxBufferedBody=16384")
                        .routeId("drawbridge-access")
                        .to("drawbridge:authenticate" + login)
                        .process(api);
                from("gateway:" + AccessApi.PATH + "/openapi.json")
                        .routeId("drawbridge-access-openapi")
                        .process(exchange -> {
                            exchange.setProperty(ExchangeKeys.DECISION, Decision
                                    .allow(Reason.PUBLIC_ROUTE, "built-in:access-openapi", null));
                            var message = exchange.getMessage();
                            message.getHeaders().clear();
                            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                            message.setHeader("Content-Type", "application/json");
                            message.setHeader("Cache-Control", "public, max-age=300");
                            message.setBody(openapi);
                        });
            }
        };
    }

    /** {@code access.baseUrl}, else the origin of the login callback, else the listener on this machine. */
    private String publicBase() {
        String configured = config.accessOrDefaults().baseUrl();
        if (configured != null) {
            return configured.replaceAll("/+$", "");
        }
        if (config.login() != null && config.login().redirectUri() != null) {
            URI callback = URI.create(config.login().redirectUri());
            return callback.getScheme() + "://" + callback.getRawAuthority();
        }
        return (config.server().tls() != null ? "https" : "http") + "://127.0.0.1:" + config.server().port();
    }

    private static String openApi() {
        try (var in = AccessRequests.class.getResourceAsStream("/drawbridge/access-openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("access-openapi.json is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        unanswered.close();
        notifier.close();
        grants.close();
        try {
            store.close();
        } catch (Exception e) {
            LOG.warn("closing the access store: {}", e.toString());
        }
    }
}
