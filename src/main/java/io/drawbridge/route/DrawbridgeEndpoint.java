package io.drawbridge.route;

import io.drawbridge.authn.BearerAuthenticationStep;
import io.drawbridge.authn.session.BrowserAuthenticationStep;
import io.drawbridge.identity.EnrichStep;
import io.drawbridge.proxy.ProxyStep;
import io.drawbridge.proxy.ServiceAddress;
import io.drawbridge.proxy.Upstream;
import io.drawbridge.proxy.UpstreamTls;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.DefaultEndpoint;

/** One gateway step, as a producer endpoint; see {@link DrawbridgeComponent} for the URI forms. */
public final class DrawbridgeEndpoint extends DefaultEndpoint implements io.drawbridge.edge.TokenAcceptor {

    private final String step;

    @UriParam(description = "authenticate: the issuer names this route accepts, comma-separated; default all")
    private String issuers;
    @UriParam(defaultValue = "false", description = "authenticate: pass the bearer token on to the upstream")
    private boolean forwardToken;
    @UriParam(defaultValue = "none", enums = "none,browser", description = "authenticate: browser to also accept"
            + " the session cookie and send browsers without one to sign in (needs the login section); none for"
            + " bearer tokens only")
    private String login = "none";
    @UriParam(description = "authenticate: the audiences a token must name one of (RFC 8707 audience binding),"
            + " comma-separated, e.g. the route's public URL; default none, or on an MCP route its resource URL")
    private String audience;
    @UriParam(defaultValue = "gateway", enums = "gateway,upstream", description = "authenticate: whose the"
            + " Authorization header is. gateway: a bearer token the gateway verifies and removes; upstream: the"
            + " application's own (Backstage's frontend sends its Backstage token), passed on untouched, and the"
            + " caller is authenticated by the session cookie only (needs login=browser)")
    private String authorization = "gateway";
    @UriParam(description = "authorize: the policy to apply; default the policy named like the route")
    private String policy;
    @UriParam(description = "proxy: the upstream URL, http(s)://host[:port][/base-path], or a Kubernetes Service,"
            + " k8s://service.namespace:port[/base-path]")
    private String upstream;
    @UriParam(defaultValue = "false", description = "proxy: remove the route's path prefix before forwarding")
    private boolean stripPrefix;
    @UriParam(description = "proxy: replace the route's path prefix with this one before forwarding")
    private String rewritePrefix;
    @UriParam(defaultValue = "true", description = "proxy: send the client's Host header (true), as browsers and"
            + " apps that compare Origin with Host expect; false to send the upstream URL's host, for upstreams that"
            + " serve several names and know only their own (cloud services, another ingress)")
    private boolean preserveHost = true;
    @UriParam(description = "proxy: the named TLS settings (upstreams.tls.<name>: CA bundle, client certificate, "
            + "server name) for an https upstream; default the JDK's trust store and the upstream's host name")
    private String tls;
    @UriParam(defaultValue = "false", description = "proxy: gzip text-like responses of 1 KiB or more for clients "
            + "that accept it (off by default: compressing secrets beside reflected input invites BREACH)")
    private boolean compress;
    @UriParam(description = "proxy: connect timeout, e.g. 2s; default from upstreams.connectTimeout")
    private String connectTimeout;
    @UriParam(description = "proxy: response timeout, e.g. 30s; default from upstreams.responseTimeout")
    private String responseTimeout;

    @UriParam(defaultValue = "redirect", enums = "redirect,status", description = "decide: how a browser that must"
            + " sign in is answered: redirect (302 to the sign-in page, for Caddy, Traefik and Envoy) or status (401"
            + " with the sign-in page in Location, for nginx auth_request, which accepts only 2xx, 401 and 403)")
    private String signIn = "redirect";

    private AsyncProcessor processor;

    DrawbridgeEndpoint(String uri, DrawbridgeComponent component, String step) {
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
            case "authenticate" -> {
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
                if (!login.equals("browser")) {
                    throw new IllegalArgumentException("drawbridge:authenticate login must be none or browser, not '"
                            + login + "'");
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
            case "enrich" -> {
                if (stages.roles() == null) {
                    throw new IllegalArgumentException("drawbridge:enrich needs a catalog section in the "
                            + "configuration");
                }
                yield new EnrichStep(stages.roles());
            }
            case "authorize" -> {
                if (policy != null && !stages.policies().get().contains(policy)) {
                    throw new IllegalArgumentException("drawbridge:authorize names unknown policy '" + policy
                            + "'; configured: " + stages.policies().get().names());
                }
                yield AsyncProcessorConverterHelper.convert(new AuthorizeStep(policy, stages.policies(),
                        stages.limits(), stages.grants()));
            }
            case "proxy" -> {
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
            case "decide" -> {
                if (!signIn.equals("redirect") && !signIn.equals("status")) {
                    throw new IllegalArgumentException("drawbridge:decide signIn must be redirect or status, not '"
                            + signIn + "'");
                }
                yield new io.drawbridge.edge.DecideStep(signIn.equals("status"));
            }
            default -> throw new IllegalStateException(step);
        };
    }

    private static Duration duration(String name, String text) {
        if (text == null) {
            return null;
        }
        try {
            return io.drawbridge.config.ConfigDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("drawbridge:proxy " + name + ": " + e.getMessage());
        }
    }

    /** For an authenticate step: the issuer URLs of the issuers it accepts (an MCP route's metadata lists them). */
    @Override
    public java.util.List<String> acceptedIssuers() {
        if (!step.equals("authenticate") || !(getComponent().stages().issuers()
                instanceof io.drawbridge.authn.IssuerRegistry registry)) {
            return java.util.List.of();
        }
        Set<String> names = issuers == null ? null : Set.of(issuers.split("\\s*,\\s*"));
        return registry.issuers().stream().filter(i -> names == null || names.contains(i.name()))
                .map(io.drawbridge.authn.TrustedIssuer::issuer).toList();
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
        return switch (authorization) {
            case "gateway" -> false;
            case "upstream" -> true;
            default -> throw new IllegalArgumentException("drawbridge:authenticate authorization must be gateway or"
                    + " upstream, not '" + authorization + "'");
        };
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
