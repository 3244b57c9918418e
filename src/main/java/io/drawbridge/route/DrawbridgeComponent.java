package io.drawbridge.route;

import io.drawbridge.authn.TokenVerifier;
import io.drawbridge.authn.session.BrowserLogin;
import io.drawbridge.identity.RoleSource;
import io.drawbridge.limit.RateLimiter;
import io.drawbridge.policy.Policies;
import io.drawbridge.proxy.AssertionSigner;
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
 * listen, authenticate, authorize, proxy.
 * <pre>
 *   drawbridge:authenticate[?issuers=corp,partners&amp;forwardToken=false&amp;login=browser&amp;authorization=upstream]
 *   drawbridge:enrich                  (roles from the catalog: group refs, parents included)
 *   drawbridge:authorize[?policy=name]
 *   drawbridge:decide[?signIn=redirect|status]   (a front's decision endpoint: runs the route it asks about)
 *   drawbridge:proxy?upstream=http://host:port[/base] or k8s://service.namespace:port[/base][&amp;stripPrefix=true&amp;rewritePrefix=/x&amp;preserveHost=false
 *                     &amp;connectTimeout=2s&amp;responseTimeout=30s]
 * </pre>
 */
public final class DrawbridgeComponent extends DefaultComponent {

    /** What the steps need from the rest of the gateway. */
    public record Stages(TokenVerifier issuers, Set<String> issuerNames, Executor authExecutor,
                         Supplier<Policies> policies, UpstreamClient upstreams, IdentityHeaders identityHeaders,
                         AssertionSigner assertions, RoleSource roles, BrowserLogin login, ServiceDiscovery services,
                         RateLimiter limits, io.drawbridge.access.GrantLookup grants) {

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

    private static final Map<String, Set<String>> PARAMETERS = Map.of(
            "authenticate", Set.of("issuers", "forwardToken", "login", "authorization", "audience"),
            "authorize", Set.of("policy"),
            "enrich", Set.of(),
            "decide", Set.of("signIn"),
            "proxy", Set.of("upstream", "stripPrefix", "rewritePrefix", "preserveHost", "tls", "compress",
                    "connectTimeout",
                    "responseTimeout"));

    private final Stages stages;

    public DrawbridgeComponent(Stages stages) {
        this.stages = stages;
    }

    Stages stages() {
        return stages;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        Set<String> allowed = PARAMETERS.get(remaining);
        if (allowed == null) {
            throw new IllegalArgumentException("unknown drawbridge step '" + remaining
                    + "' in " + uri + ": use authenticate, enrich, authorize, proxy or decide");
        }
        for (String name : parameters.keySet()) {
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("drawbridge:" + remaining + " has no parameter '" + name
                        + "' (in " + uri + "); it takes " + String.join(", ", allowed));
            }
        }
        var endpoint = new DrawbridgeEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        endpoint.validate();
        return endpoint;
    }
}
