package io.drawbridge.route;

import io.drawbridge.authn.BearerAuthenticationStep;
import io.drawbridge.authn.IssuerRegistry;
import io.drawbridge.authn.TrustedIssuer;
import io.drawbridge.authn.session.BrowserAuthenticationStep;
import io.drawbridge.config.ByteSize;
import io.drawbridge.config.ConfigDuration;
import io.drawbridge.edge.DecideStep;
import io.drawbridge.edge.TokenAcceptor;
import io.drawbridge.identity.EnrichStep;
import io.drawbridge.proxy.AssetCache;
import io.drawbridge.proxy.ProxyStep;
import io.drawbridge.proxy.ServiceAddress;
import io.drawbridge.proxy.Upstream;
import io.drawbridge.proxy.UpstreamTls;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.DefaultEndpoint;

/**
 * One gateway step, as a producer endpoint. Its options are declared in {@link Step} (name, default,
 * description); the fields here hold the values, with the same defaults ({@code StepOptionsTest} compares them).
 */
public final class DrawbridgeEndpoint extends DefaultEndpoint implements TokenAcceptor {

    private final Step step;

    private String issuers;
    private boolean forwardToken;
    private String login = "none";
    private String audience;
    private String authorization = "gateway";
    private String policy;
    private String upstream;
    private boolean stripPrefix;
    private String rewritePrefix;
    private boolean preserveHost = true;
    private String tls;
    private boolean compress;
    private boolean cache;
    private String cacheSize = "64m";
    private String cacheMaxEntry = "1m";
    private String cachePaths;
    private String cacheTtl = "60s";
    private String connectTimeout;
    private String responseTimeout;

    private String signIn = "redirect";

    private AsyncProcessor processor;
    private AssetCache assetCache;

    DrawbridgeEndpoint(String uri, DrawbridgeComponent component, Step step) {
        super(uri, component);
        this.step = step;
    }

    @Override
    public DrawbridgeComponent getComponent() {
        return (DrawbridgeComponent) super.getComponent();
    }

    /** Checks the parameters and builds the step, so a bad route fails at startup, not at the first request. */
    void validate() {
        DrawbridgeComponent.Stages stages = getComponent().stages();
        processor = switch (step) {
            case AUTHENTICATE -> {
                Set<String> names = issuers == null ? null
                        : new LinkedHashSet<>(Arrays.asList(issuers.split("\\s*,\\s*")));
                if (names != null && !stages.issuerNames().containsAll(names)) {
                    names.removeAll(stages.issuerNames());
                    throw new IllegalArgumentException("drawbridge:authenticate names unknown issuer(s) " + names
                            + "; configured: " + stages.issuerNames());
                }
                if (stages.issuerNames().isEmpty()) {
                    throw new IllegalArgumentException("drawbridge:authenticate needs at least one issuer in the "
                            + "configuration's issuers section");
                }
                var bearer = new BearerAuthenticationStep(stages.issuers(), stages.authExecutor(), names, forwardToken)
                        .bindAudiences(audience == null ? null : Arrays.stream(audience.split(","))
                                .map(String::strip).filter(a -> !a.isEmpty()).toList());
                boolean upstreamAuthorization = authorizationBelongsToUpstream();
                if (upstreamAuthorization && !login.equals("browser")) {
                    throw new IllegalArgumentException("drawbridge:authenticate?authorization=upstream needs "
                            + "login=browser: the session cookie is then the only way to authenticate");
                }
                if (upstreamAuthorization && forwardToken) {
                    throw new IllegalArgumentException("drawbridge:authenticate: forwardToken=true would replace "
                            + "the Authorization header that authorization=upstream leaves to the application");
                }
                if (login.equals("none")) {
                    yield bearer;
                }
                if (stages.login() == null) {
                    throw new IllegalArgumentException("drawbridge:authenticate?login=browser needs a login section "
                            + "in the configuration");
                }
                if (names != null && !names.contains(stages.login().issuerName())) {
                    throw new IllegalArgumentException("drawbridge:authenticate?login=browser signs in with issuer '"
                            + stages.login().issuerName() + "', which issuers= leaves out");
                }
                yield new BrowserAuthenticationStep(bearer, stages.issuers(), stages.login().issuerName(),
                        stages.authExecutor(), stages.login(), forwardToken, upstreamAuthorization);
            }
            case ENRICH -> {
                if (stages.roles() == null) {
                    throw new IllegalArgumentException("drawbridge:enrich needs a catalog section in the "
                            + "configuration");
                }
                yield new EnrichStep(stages.roles());
            }
            case AUTHORIZE -> {
                if (policy != null && !stages.policies().get().contains(policy)) {
                    throw new IllegalArgumentException("drawbridge:authorize names unknown policy '" + policy
                            + "'; configured: " + stages.policies().get().names());
                }
                yield AsyncProcessorConverterHelper.convert(new AuthorizeStep(policy, stages.policies(),
                        stages.limits(), stages.grants()));
            }
            case PROXY -> {
                if (upstream == null || upstream.isBlank()) {
                    throw new IllegalArgumentException("drawbridge:proxy needs upstream=http(s)://host:port or"
                            + " k8s://service.namespace:port");
                }
                Upstream target = ServiceAddress.isService(upstream) ? stages.services().upstream(upstream)
                        : Upstream.of(upstream);
                var proxy = new ProxyStep(target, stripPrefix, rewritePrefix, preserveHost,
                        duration("connectTimeout", connectTimeout), duration("responseTimeout", responseTimeout),
                        stages.upstreams(), stages.identityHeaders(), stages.assertions());
                proxy.compressing(compress);
                if (cache) {
                    assetCache = assetCache();
                    proxy.caching(assetCache);
                    getComponent().caches().add(assetCache);
                } else if (cacheOptionGiven()) {
                    throw new IllegalArgumentException("drawbridge:proxy cacheSize, cacheMaxEntry, cachePaths and "
                            + "cacheTtl need cache=true");
                }
                if (tls != null) {
                    UpstreamTls settings = stages.upstreams().tls(tls);
                    if (settings == null) {
                        throw new IllegalArgumentException("drawbridge:proxy names unknown TLS settings tls=" + tls
                                + "; define them under upstreams.tls");
                    }
                    if (!upstream.startsWith("https://")) {
                        throw new IllegalArgumentException("drawbridge:proxy tls=" + tls + " needs an https:// "
                                + "upstream, not " + upstream);
                    }
                    proxy.usingTls(settings);
                }
                yield stages.login() == null ? proxy : proxy.hidingCookies(stages.login().cookies()::withoutOurs)
                        .ownCookie(stages.login().cookies().name());
            }
            case DECIDE -> {
                yield new DecideStep(signIn.equals("status"));
            }
        };
    }

    private static final long MAX_CACHE_ENTRY = 64L * 1024 * 1024;

    private AssetCache assetCache() {
        long size;
        long maxEntry;
        try {
            size = ByteSize.parse(cacheSize).bytes();
            maxEntry = ByteSize.parse(cacheMaxEntry).bytes();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("drawbridge:proxy cacheSize/cacheMaxEntry: " + e.getMessage());
        }
        if (maxEntry > MAX_CACHE_ENTRY) {
            throw new IllegalArgumentException("drawbridge:proxy cacheMaxEntry (" + cacheMaxEntry + ") is over 64m:"
                    + " a cached body is held in memory whole");
        }
        if (maxEntry > size) {
            throw new IllegalArgumentException("drawbridge:proxy cacheMaxEntry (" + cacheMaxEntry
                    + ") cannot exceed cacheSize (" + cacheSize + ")");
        }
        List<String> paths = cachePaths == null ? List.of()
                : Arrays.stream(cachePaths.split(",")).map(String::strip).filter(p -> !p.isEmpty()).toList();
        Duration ttl = duration("cacheTtl", cacheTtl);
        return new AssetCache(size, maxEntry, paths, ttl, Clock.systemUTC());
    }

    private boolean cacheOptionGiven() {
        return cachePaths != null || !cacheSize.equals("64m") || !cacheMaxEntry.equals("1m")
                || !cacheTtl.equals("60s");
    }

    @Override
    protected void doStop() throws Exception {
        if (assetCache != null) {
            getComponent().caches().remove(assetCache);
        }
        super.doStop();
    }

    private static Duration duration(String name, String text) {
        if (text == null) {
            return null;
        }
        try {
            return ConfigDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("drawbridge:proxy " + name + ": " + e.getMessage());
        }
    }

    /** For an authenticate step: the issuer URLs of the issuers it accepts (an MCP route's metadata lists them). */
    @Override
    public List<String> acceptedIssuers() {
        if (step != Step.AUTHENTICATE || !(getComponent().stages().issuers()
                instanceof IssuerRegistry registry)) {
            return List.of();
        }
        Set<String> names = issuers == null ? null : Set.of(issuers.split("\\s*,\\s*"));
        return registry.issuers().stream().filter(i -> names == null || names.contains(i.name()))
                .map(TrustedIssuer::issuer).toList();
    }

    public String getAudience() {
        return audience;
    }

    public void setAudience(String audience) {
        this.audience = audience;
    }

    @Override
    public Producer createProducer() {
        return new StepProducer(this, processor);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("drawbridge: steps are used in to(...), not from(...)");
    }

    @Override
    public boolean isSingleton() {
        return true;
    }

    public String getIssuers() {
        return issuers;
    }

    public void setIssuers(String issuers) {
        this.issuers = issuers;
    }

    public boolean isForwardToken() {
        return forwardToken;
    }

    public void setForwardToken(boolean forwardToken) {
        this.forwardToken = forwardToken;
    }

    public String getLogin() {
        return login;
    }

    public void setLogin(String login) {
        this.login = login;
    }

    private boolean authorizationBelongsToUpstream() {
        return authorization.equals("upstream"); // a choice: checked against Step.AUTHENTICATE's values
    }

    public String getAuthorization() {
        return authorization;
    }

    public void setAuthorization(String authorization) {
        this.authorization = authorization;
    }

    public String getPolicy() {
        return policy;
    }

    public void setPolicy(String policy) {
        this.policy = policy;
    }

    public boolean isCompress() {
        return compress;
    }

    public void setCompress(boolean compress) {
        this.compress = compress;
    }

    public boolean isCache() {
        return cache;
    }

    public void setCache(boolean cache) {
        this.cache = cache;
    }

    public String getCacheSize() {
        return cacheSize;
    }

    public void setCacheSize(String cacheSize) {
        this.cacheSize = cacheSize;
    }

    public String getCacheMaxEntry() {
        return cacheMaxEntry;
    }

    public void setCacheMaxEntry(String cacheMaxEntry) {
        this.cacheMaxEntry = cacheMaxEntry;
    }

    public String getCachePaths() {
        return cachePaths;
    }

    public void setCachePaths(String cachePaths) {
        this.cachePaths = cachePaths;
    }

    public String getCacheTtl() {
        return cacheTtl;
    }

    public void setCacheTtl(String cacheTtl) {
        this.cacheTtl = cacheTtl;
    }

    public String getTls() {
        return tls;
    }

    public void setTls(String tls) {
        this.tls = tls;
    }

    public String getUpstream() {
        return upstream;
    }

    public void setUpstream(String upstream) {
        this.upstream = upstream;
    }

    public boolean isStripPrefix() {
        return stripPrefix;
    }

    public void setStripPrefix(boolean stripPrefix) {
        this.stripPrefix = stripPrefix;
    }

    public String getRewritePrefix() {
        return rewritePrefix;
    }

    public void setRewritePrefix(String rewritePrefix) {
        this.rewritePrefix = rewritePrefix;
    }

    public boolean isPreserveHost() {
        return preserveHost;
    }

    public void setPreserveHost(boolean preserveHost) {
        this.preserveHost = preserveHost;
    }

    public String getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(String connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public String getSignIn() {
        return signIn;
    }

    public void setSignIn(String signIn) {
        this.signIn = signIn;
    }

    public String getResponseTimeout() {
        return responseTimeout;
    }

    public void setResponseTimeout(String responseTimeout) {
        this.responseTimeout = responseTimeout;
    }
}
