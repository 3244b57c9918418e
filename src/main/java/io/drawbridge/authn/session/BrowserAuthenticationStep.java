package io.drawbridge.authn.session;

import com.github.benmanes.caffeine.cache.Cache;
import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.authn.AuthenticationFailed;
import io.drawbridge.authn.TokenVerifier;
import io.drawbridge.edge.ClientRequest;
import io.drawbridge.edge.Redirect;
import io.drawbridge.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * {@code drawbridge:authenticate?login=browser}: a request with an {@code Authorization} header is an API client
 * and goes to the bearer step unchanged; any other is authenticated by its session cookie. The session's access
 * token is verified like a bearer token (same issuer, same checks, same {@link Identity}), refreshed first when it
 * is about to expire (one refresh per refresh token, however many requests arrive at once), and the session's idle
 * clock moves on. A browser navigation without a valid session is sent to sign in ({@code 302}); anything else
 * gets the bearer step's {@code 401}. The gateway's cookies never reach the upstream.
 *
 * <p>With {@code authorization=upstream} the {@code Authorization} header is the application's (Backstage's
 * frontend sends its own Backstage token on every API call): it is neither read nor changed, and every request,
 * with or without it, is authenticated by its session cookie alone.
 */
public final class BrowserAuthenticationStep extends AsyncProcessorSupport {

    static final String COOKIE = "Cookie";
    static final String AUTHORIZATION = "Authorization";

    private final AsyncProcessor bearer;
    private final TokenVerifier verifier;
    private final Set<String> issuer;
    private final Executor executor;
    private final SessionStore sessions;
    private final LoginFlow flow;
    private final OidcClient client;
    private final boolean forwardToken;
    private final boolean upstreamAuthorization;
    private final Cache<String, CompletableFuture<OidcClient.Tokens>> refreshes;

    public BrowserAuthenticationStep(AsyncProcessor bearer, TokenVerifier verifier, String issuerName,
                                     Executor executor, BrowserLogin login, boolean forwardToken,
                                     boolean upstreamAuthorization) {
        this.bearer = bearer;
        this.verifier = verifier;
        this.issuer = Set.of(issuerName);
        this.executor = executor;
        this.sessions = login.sessions();
        this.flow = login.flow();
        this.client = login.client();
        this.forwardToken = forwardToken;
        this.upstreamAuthorization = upstreamAuthorization;
        this.refreshes = login.refreshes();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Message message = exchange.getMessage();
        Map<String, String> sent = SessionCookies.parse(message.getHeader(COOKIE));
        Object others = sessions.cookies().withoutOurs(message.getHeader(COOKIE));
        if (others == null) {
            message.removeHeader(COOKIE);
        } else {
            message.setHeader(COOKIE, others);
        }
        if (message.getHeader(AUTHORIZATION) != null && !upstreamAuthorization) {
            return bearer.process(exchange, callback);
        }
        Session session;
        try {
            session = sessions.open(sent);
        } catch (AuthenticationFailed e) {
            return withoutSession(exchange, callback, e, sessions.clear(sent));
        }
        if (session == null) {
            return withoutSession(exchange, callback,
                    new AuthenticationFailed(Reason.TOKEN_MISSING, upstreamAuthorization ? "no session"
                            : "no session and no Authorization header"), List.of());
        }
        if (!needsRefresh(session)) {
            try {
                Optional<Identity> identity = verifier.verifyWithoutIo(session.accessToken(), issuer);
                if (identity.isPresent()) {
                    accept(exchange, session, identity.get(), false, sent);
                    callback.done(true);
                    return true;
                }
            } catch (AuthenticationFailed e) {
                return withoutSession(exchange, callback, e, sessions.clear(sent));
            }
        }
        Session current = session;
        return onWorker(exchange, callback, () -> {
            try {
                Session fresh = needsRefresh(current) ? refreshed(current) : current;
                accept(exchange, fresh, verifier.verify(fresh.accessToken(), issuer), fresh != current, sent);
            } catch (AuthenticationFailed e) {
                if (e.reason() == Reason.ISSUER_UNAVAILABLE) {
                    fail(exchange, e, List.of());
                } else if (isNavigation(exchange.getMessage())) {
                    client.prepare();
                    redirectToLogin(exchange, e, sessions.clear(sent));
                } else {
                    fail(exchange, e, sessions.clear(sent));
                }
            }
        });
    }

    private boolean needsRefresh(Session session) {
        Duration early = sessions.config().refreshBefore();
        return !sessions.clock().instant().isBefore(session.accessExpires().minus(early));
    }

    /**
     * The session with new tokens; the same session while the issuer is unreachable and its access token still
     * works. A refused refresh ends the session.
     */
    private Session refreshed(Session session) {
        if (session.refreshToken() == null) {
            return session; // nothing to refresh with: the access token's own expiry decides
        }
        String key = hash(session.refreshToken());
        var mine = new CompletableFuture<OidcClient.Tokens>();
        CompletableFuture<OidcClient.Tokens> running = refreshes.asMap().putIfAbsent(key, mine);
        if (running == null) {
            running = mine;
            try {
                mine.complete(client.refresh(session.refreshToken()));
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                if (!(e instanceof OidcClient.RefreshRefused)) {
                    refreshes.invalidate(key); // a refused token stays refused; an unreachable issuer may come back
                }
            }
        }
        try {
            OidcClient.Tokens tokens = running.join();
            return session.refreshed(tokens.accessToken(), tokens.refreshToken(), tokens.idToken(),
                    tokens.accessExpires(), sessions.clock().instant());
        } catch (CompletionException e) {
            if (e.getCause() instanceof AuthenticationFailed failure
                    && failure.reason() == Reason.ISSUER_UNAVAILABLE
                    && sessions.clock().instant().isBefore(session.accessExpires())) {
                return session;
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void accept(Exchange exchange, Session session, Identity identity, boolean renewed,
                        Map<String, String> sent) {
        exchange.setProperty(ExchangeKeys.IDENTITY, identity);
        exchange.setProperty(ExchangeKeys.STREAM_PERMIT, sessions.permit(session));
        if (renewed || sessions.staleSeen(session)) {
            Session seen = renewed ? session : session.seenAt(sessions.clock().instant());
            addCookies(exchange, sessions.store(seen, sent));
        }
        if (forwardToken) {
            exchange.getMessage().setHeader(AUTHORIZATION, "Bearer " + session.accessToken());
        }
    }

    /**
     * No usable session: a browser navigating to a page is sent to sign in, anything else gets 401. Either way
     * the cookies of a dead session are removed.
     */
    private boolean withoutSession(Exchange exchange, AsyncCallback callback, AuthenticationFailed why,
                                   List<String> clearCookies) {
        if (!isNavigation(exchange.getMessage())) {
            fail(exchange, why, clearCookies);
            callback.done(true);
            return true;
        }
        if (client.ready()) {
            redirectToLogin(exchange, why, clearCookies);
            callback.done(true);
            return true;
        }
        return onWorker(exchange, callback, () -> {
            client.prepare();
            redirectToLogin(exchange, why, clearCookies);
        });
    }

    private void redirectToLogin(Exchange exchange, AuthenticationFailed why, List<String> clearCookies) {
        Message message = exchange.getMessage();
        String path = message.getHeader(Exchange.HTTP_PATH, String.class);
        String query = message.getHeader(Exchange.HTTP_QUERY, String.class);
        String target = query == null ? path : path + "?" + query;
        LoginFlow.Start start = flow.begin(onOtherHost(exchange, target));
        List<String> cookies = new ArrayList<>(clearCookies);
        cookies.add(start.loginCookie());
        addCookies(exchange, cookies);
        exchange.setProperty(ExchangeKeys.FAILURE_REASON, Reason.LOGIN_REQUIRED);
        exchange.setProperty(ExchangeKeys.REDIRECT, new Redirect(302, start.authorizationUrl().toString(),
                Reason.LOGIN_REQUIRED, "sent to sign in (" + why.reason().code() + ")"));
        exchange.setRouteStop(true);
    }

    /**
     * The page to come back to: a path when the browser is on the callback's host, an absolute URL when it is on
     * another host that shares the session cookie's domain (the callback then sends it back there).
     */
    private String onOtherHost(Exchange exchange, String path) {
        var request = exchange.getProperty(ExchangeKeys.CLIENT_REQUEST, ClientRequest.class);
        String domain = sessions.config().cookieDomain();
        if (request == null || domain == null || request.hostHeader() == null
                || request.hostHeader().equalsIgnoreCase(flow.callbackAuthority())) {
            return path;
        }
        return request.scheme() + "://" + request.hostHeader() + path;
    }

    /** A top-level page load: GET or HEAD, asking for HTML. XHR, fetch() and API clients are answered 401. */
    static boolean isNavigation(Message message) {
        String method = message.getHeader(Exchange.HTTP_METHOD, String.class);
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return false;
        }
        Object accept = message.getHeader("Accept");
        String mode = message.getHeader("Sec-Fetch-Mode", String.class);
        return accept != null && accept.toString().toLowerCase(Locale.ROOT).contains("text/html")
                && (mode == null || mode.equalsIgnoreCase("navigate"));
    }

    private static void fail(Exchange exchange, AuthenticationFailed failure, List<String> cookies) {
        addCookies(exchange, cookies);
        exchange.setProperty(ExchangeKeys.FAILURE_REASON, failure.reason());
        exchange.setException(failure);
    }

    @SuppressWarnings("unchecked")
    static void addCookies(Exchange exchange, List<String> cookies) {
        if (cookies.isEmpty()) {
            return;
        }
        List<String> all = exchange.getProperty(ExchangeKeys.RESPONSE_COOKIES, List.class);
        if (all == null) {
            all = new ArrayList<>();
            exchange.setProperty(ExchangeKeys.RESPONSE_COOKIES, all);
        }
        all.addAll(cookies);
    }

    private boolean onWorker(Exchange exchange, AsyncCallback callback, Runnable work) {
        try {
            executor.execute(() -> {
                try {
                    work.run();
                } catch (AuthenticationFailed e) {
                    fail(exchange, e, List.of());
                } catch (RuntimeException e) {
                    exchange.setException(e);
                } finally {
                    callback.done(false);
                }
            });
            return false;
        } catch (RejectedExecutionException e) {
            fail(exchange, new AuthenticationFailed(Reason.ISSUER_UNAVAILABLE, "no worker free"), List.of());
            callback.done(true);
            return true;
        }
    }

    static String hash(String token) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
