package io.drawbridge.route;

import io.drawbridge.EndpointOption;
import io.drawbridge.access.GrantLookup;
import io.drawbridge.authn.TokenVerifier;
import io.drawbridge.authn.session.BrowserLogin;
import io.drawbridge.identity.RoleSource;
import io.drawbridge.limit.RateLimiter;
import io.drawbridge.policy.Policies;
import io.drawbridge.proxy.AssertionSigner;
import io.drawbridge.proxy.AssetCaches;
import io.drawbridge.proxy.IdentityHeaders;
import io.drawbridge.proxy.ServiceDiscovery;
import io.drawbridge.proxy.UpstreamClient;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code drawbridge:} component: the gateway's stages as route steps, so a protected route reads as
 * listen, authenticate, authorize, proxy. The steps and their options are declared in {@link Step}.
 * <pre>
 *   drawbridge:authenticate[?issuers=corp,partners&amp;forwardToken=false&amp;login=browser&amp;authorization=upstream]
 *   drawbridge:enrich                  (roles from the catalog: group refs, parents included)
 *   drawbridge:authorize[?policy=name]
 *   drawbridge:decide[?signIn=redirect|status]   (a front's decision endpoint: runs the route it asks about)
 *   drawbridge:proxy?upstream=http://host:port[/base] or k8s://service.namespace:port[/base][&amp;stripPrefix=true&amp;rewritePrefix=/x&amp;preserveHost=false
 *                     &amp;connectTimeout=2s&amp;responseTimeout=30s&amp;compress=true
 *                     &amp;cache=true&amp;cacheSize=64m&amp;cacheMaxEntry=1m&amp;cachePaths=/static/**&amp;cacheTtl=60s]
 * </pre>
 */
public final class DrawbridgeComponent extends DefaultComponent {

    /** What the steps need from the rest of the gateway. */
    public record Stages(TokenVerifier issuers, Set<String> issuerNames, Executor authExecutor,
                         Supplier<Policies> policies, UpstreamClient upstreams, IdentityHeaders identityHeaders,
                         AssertionSigner assertions, RoleSource roles, BrowserLogin login, ServiceDiscovery services,
                         RateLimiter limits, GrantLookup grants) {

        /** Without access grants. */
        public Stages(TokenVerifier issuers, Set<String> issuerNames, Executor authExecutor,
                      Supplier<Policies> policies, UpstreamClient upstreams, IdentityHeaders identityHeaders,
                      AssertionSigner assertions, RoleSource roles, BrowserLogin login, ServiceDiscovery services,
                      RateLimiter limits) {
            this(issuers, issuerNames, authExecutor, policies, upstreams, identityHeaders, assertions, roles, login,
                    services, limits, null);
        }

        /** Without rate limits' buckets of their own (a fresh set). */
        public Stages(TokenVerifier issuers, Set<String> issuerNames, Executor authExecutor,
                      Supplier<Policies> policies, UpstreamClient upstreams, IdentityHeaders identityHeaders,
                      AssertionSigner assertions, RoleSource roles, BrowserLogin login, ServiceDiscovery services) {
            this(issuers, issuerNames, authExecutor, policies, upstreams, identityHeaders, assertions, roles, login,
                    services, new RateLimiter());
        }

        /** Without browser sign-in or Kubernetes Services. */
        public Stages(TokenVerifier issuers, Set<String> issuerNames, Executor authExecutor,
                      Supplier<Policies> policies, UpstreamClient upstreams, IdentityHeaders identityHeaders,
                      AssertionSigner assertions, RoleSource roles) {
            this(issuers, issuerNames, authExecutor, policies, upstreams, identityHeaders, assertions, roles, null,
                    null, new RateLimiter());
        }
    }

    private final Stages stages;
    private final AssetCaches caches = new AssetCaches();

    public DrawbridgeComponent(Stages stages) {
        this.stages = stages;
    }

    Stages stages() {
        return stages;
    }

    /** The routes' asset caches, for the metrics. */
    public AssetCaches caches() {
        return caches;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        Step step = Step.named(remaining);
        if (step == null) {
            throw new IllegalArgumentException("unknown drawbridge step '" + remaining
                    + "' in " + uri + ": use authenticate, enrich, authorize, proxy or decide");
        }
        EndpointOption.check("drawbridge:" + remaining, uri, step.options(), parameters);
        var endpoint = new DrawbridgeEndpoint(uri, this, step);
        setProperties(endpoint, parameters);
        endpoint.validate();
        return endpoint;
    }
}
