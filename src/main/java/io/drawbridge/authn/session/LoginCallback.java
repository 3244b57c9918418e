package io.drawbridge.authn.session;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.authn.AuthenticationFailed;
import io.drawbridge.authn.TokenVerifier;
import io.drawbridge.edge.Redirect;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Decision;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The callback path: completes the sign-in (on a worker: it calls the token endpoint), verifies the new access
 * token exactly as every later request will, starts the session and sends the browser back where it started.
 * Any failure is recorded with its reason and the login cookie is removed. A browser is never left on a bare
 * error: one already signed in goes on to where the attempt was going (or {@code /}); one whose attempt is not
 * its own any more (begun on another host name such as {@code localhost} for {@code 127.0.0.1}, replayed, expired)
 * is sent to sign in again, once; otherwise it gets a page saying what happened. API clients get 401.
 */
final class LoginCallback extends AsyncProcessorSupport {

    private final LoginFlow flow;
    private final SessionStore sessions;
    private final TokenVerifier verifier;
    private final Set<String> issuer;
    private final Executor executor;

    /** Marks a sign-in the callback started again, so a browser that keeps losing its cookies gets a page. */
    static final String RETRY = "_retry";
    static final Duration RETRY_WINDOW = Duration.ofMinutes(2);
    /** The page a person sees when a sign-in cannot be completed; static text only, nothing from the request. */
    static final String PROBLEM_QUERY = "problem=sign-in";
    static final String PROBLEM_PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign-in not completed</title></head>
            <body><h1>The sign-in could not be completed</h1>
            <p id="sign-in-problem">It may have been cancelled or refused at the sign-in page, taken longer than ten
            minutes, or been used twice. Or this site was opened under another address than the one registered for
            signing in (for example <code>localhost</code> instead of <code>127.0.0.1</code>), or the browser blocks
            its cookies: then the browser comes back without the cookie the sign-in began with.</p>
            <p>Open the page you wanted again, at the address your administrator gave you, to sign in.</p>
            </body></html>
            """;


    LoginCallback(LoginFlow flow, SessionStore sessions, TokenVerifier verifier, String issuerName, Executor executor) {
        this.flow = flow;
        this.sessions = sessions;
        this.verifier = verifier;
        this.issuer = Set.of(issuerName);
        this.executor = executor;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            executor.execute(() -> {
                try {
                    complete(exchange);
                } catch (RuntimeException e) {
                    exchange.setException(e); // answered 500 with the request id, never left without an answer
                } finally {
                    callback.done(false);
                }
            });
            return false;
        } catch (RejectedExecutionException e) {
            exchange.setException(new AuthenticationFailed(Reason.ISSUER_UNAVAILABLE, "no worker free"));
            callback.done(true);
            return true;
        }
    }

    private void complete(Exchange exchange) {
        Message message = exchange.getMessage();
        Map<String, String> sent = SessionCookies.parse(message.getHeader(BrowserAuthenticationStep.COOKIE));
        if (PROBLEM_QUERY.equals(message.getHeader(Exchange.HTTP_QUERY, String.class))) {
            problemPage(exchange);
            return;
        }
        String state = null;
        try {
            Map<String, String> query = query(message.getHeader(Exchange.HTTP_QUERY, String.class));
            state = query.get("state");
            if (!"GET".equals(message.getHeader(Exchange.HTTP_METHOD, String.class))) {
                throw new AuthenticationFailed(Reason.LOGIN_FAILED, "callback must be a GET");
            }
            LoginFlow.Done done = flow.complete(query, sent);
            Identity identity = verifier.verify(done.tokens().accessToken(), issuer);
            var now = sessions.clock().instant();
            var session = new Session(Session.newId(), done.tokens().accessToken(), done.tokens().refreshToken(),
                    done.tokens().idToken(), done.tokens().accessExpires(), now, now);
            List<String> cookies = new ArrayList<>(sessions.store(session, sent));
            cookies.add(flow.clearLoginCookie(done.loginCookieName()));
            if (sent.containsKey(sessions.cookies().name() + RETRY)) {
                cookies.add(sessions.cookies().cookie(sessions.cookies().name() + RETRY, "", flow.callbackPath(),
                        Duration.ZERO));
            }
            exchange.setProperty(ExchangeKeys.IDENTITY, identity);
            exchange.setProperty(ExchangeKeys.DECISION,
                    Decision.allow(Reason.PUBLIC_ROUTE, "built-in:login-callback", null));
            message.getHeaders().clear();
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 303);
            message.setHeader("Location", done.returnPath());
            message.setHeader("Cache-Control", "no-store");
            message.setHeader("Set-Cookie", cookies);
            message.setBody(null);
        } catch (AuthenticationFailed e) {
            if (state != null && state.length() >= 16 && state.length() <= 128) {
                BrowserAuthenticationStep.addCookies(exchange,
                        List.of(flow.clearLoginCookie(sessions.cookies().loginName(state))));
            }
            exchange.setProperty(ExchangeKeys.FAILURE_REASON, e.reason());
            if (e.reason() != Reason.ISSUER_UNAVAILABLE && BrowserAuthenticationStep.isNavigation(message)) {
                exchange.setProperty(ExchangeKeys.REDIRECT, onwards(e, state, sent, exchange));
                return;
            }
            exchange.setException(e.reason() == Reason.ISSUER_UNAVAILABLE ? e
                    : new AuthenticationFailed(Reason.LOGIN_FAILED, e.getMessage()));
        }
    }

    /** Where a browser goes after a callback that failed: on, to sign in again, or to the page that says why. */
    private Redirect onwards(AuthenticationFailed why, String state, Map<String, String> sent, Exchange exchange) {
        String retry = sessions.cookies().name() + RETRY;
        if (signedIn(sent)) {
            String back = flow.returnPathOf(state, sent).orElse("/");
            return new Redirect(303, back, Reason.LOGIN_FAILED, "already signed in, sent on: " + why.getMessage());
        }
        if (why instanceof LoginFlow.StaleAttempt && !sent.containsKey(retry)) {
            try {
                flow.prepare();
                LoginFlow.Start start = flow.begin(flow.returnPathOf(state, sent).orElse("/"));
                BrowserAuthenticationStep.addCookies(exchange, List.of(start.loginCookie(),
                        sessions.cookies().cookie(retry, "1", flow.callbackPath(), RETRY_WINDOW)));
                return new Redirect(302, start.authorizationUrl().toString(), Reason.LOGIN_FAILED,
                        "sent to sign in again: " + why.getMessage());
            } catch (AuthenticationFailed unavailable) {
                // the issuer cannot be reached to start again: the page says what happened
            }
        }
        return new Redirect(303, flow.callbackPath() + "?" + PROBLEM_QUERY, Reason.LOGIN_FAILED,
                "shown the sign-in problem page: " + why.getMessage());
    }

    private boolean signedIn(Map<String, String> sent) {
        try {
            return sessions.open(sent) != null;
        } catch (AuthenticationFailed e) {
            return false;
        }
    }

    private void problemPage(Exchange exchange) {
        Message message = exchange.getMessage();
        exchange.setProperty(ExchangeKeys.DECISION,
                Decision.allow(Reason.PUBLIC_ROUTE, "built-in:sign-in-problem", null));
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader("Content-Type", "text/html; charset=utf-8");
        message.setHeader("Cache-Control", "no-store");
        message.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        BrowserAuthenticationStep.addCookies(exchange, List.of(sessions.cookies().cookie(
                sessions.cookies().name() + RETRY, "", flow.callbackPath(), Duration.ZERO)));
        message.setBody(PROBLEM_PAGE);
    }

    /**
     * Query parameters; malformed escapes drop the parameter.
     *
     * @throws AuthenticationFailed when a parameter is repeated: an issuer sends each once, and whichever value
     *                              the gateway took, something else on the way might read the other
     */
    static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name;
            String value;
            try {
                name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                continue; // a callback without its state or code fails as such
            }
            if (params.putIfAbsent(name, value) != null) {
                throw new AuthenticationFailed(Reason.LOGIN_FAILED, "callback parameter "
                        + name.replaceAll("[^A-Za-z0-9_.-]", "?") + " repeated");
            }
        }
        return params;
    }
}
