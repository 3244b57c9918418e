package io.drawbridge.authn.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.drawbridge.authn.IdentityMapper;
import io.drawbridge.authn.TokenVerifier;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.config.LoginConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.camel.builder.RouteBuilder;

/**
 * Browser sign-in, assembled from the {@code login} section: the sessions, the login flow, the issuer as seen by
 * a relying party, and the two paths the gateway serves itself (the callback and logout).
 */
public final class BrowserLogin {

    private final LoginConfig config;
    private final SessionStore sessions;
    private final OidcClient client;
    private final LoginFlow flow;
    private final Executor executor;
    private final TokenVerifier verifier;
    private final IdentityMapper identities;
    private final Cache<String, CompletableFuture<OidcClient.Tokens>> refreshes = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(30)).maximumSize(100_000).build();

    /**
     * @param tls whether the listener itself serves TLS (then cookies are {@code Secure} unless configured off)
     */
    public BrowserLogin(GatewayConfig gateway, TokenVerifier verifier, Executor executor, boolean tls, Clock clock) {
        this.config = gateway.login();
        IssuerConfig issuer = gateway.issuers().stream().filter(i -> i.name().equals(config.issuer())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("login.issuer names no issuer"));
        boolean secure = config.session().secure() != null ? config.session().secure()
                : tls || config.redirectUri().startsWith("https:");
        var cookies = new SessionCookies(config.session().cookieName(), config.session().cookieDomain(), secure);
        this.sessions = new SessionStore(new SessionKeys(config.session().keys()), cookies, config.session(), clock);
        this.client = new OidcClient(config, issuer, clock);
        this.flow = new LoginFlow(sessions, client, URI.create(config.redirectUri()));
        this.executor = executor;
        this.verifier = verifier;
        this.identities = new IdentityMapper(issuer.name(), issuer.claims());
    }

    public String issuerName() {
        return config.issuer();
    }

    SessionStore sessions() {
        return sessions;
    }

    OidcClient client() {
        return client;
    }

    LoginFlow flow() {
        return flow;
    }

    Cache<String, CompletableFuture<OidcClient.Tokens>> refreshes() {
        return refreshes;
    }

    /** The gateway's own cookies, to keep them from upstreams. */
    public SessionCookies cookies() {
        return sessions.cookies();
    }

    /** Fetches the issuer's discovery document ahead of the first browser (on a worker; failures retry later). */
    public void prefetch() {
        executor.execute(() -> {
            try {
                client.prepare();
            } catch (RuntimeException e) {
                // the first sign-in tries again
            }
        });
    }

    /** The callback and logout routes. */
    public RouteBuilder routes() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("gateway:" + flow.callbackPath())
                        .routeId("drawbridge-login-callback")
                        .process(new LoginCallback(flow, sessions, verifier, issuerName(), executor));
                from("gateway:" + config.logoutPath() + "?bufferBody=true&maxBufferedBody=8192")
                        .routeId("drawbridge-logout")
                        .process(new Logout(sessions, client, config, identities, executor));
            }
        };
    }
}
