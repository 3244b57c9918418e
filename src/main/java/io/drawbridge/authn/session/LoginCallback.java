package io.drawbridge.authn.session;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.authn.AuthenticationFailed;
import io.drawbridge.authn.TokenVerifier;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Decision;
import io.drawbridge.policy.Reason;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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
 * Any failure is a 401 with the reason in the audit record, and the login cookie is removed.
 */
final class LoginCallback extends AsyncProcessorSupport {

    private final LoginFlow flow;
    private final SessionStore sessions;
    private final TokenVerifier verifier;
    private final Set<String> issuer;
    private final Executor executor;

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
            exchange.setException(e.reason() == Reason.ISSUER_UNAVAILABLE ? e
                    : new AuthenticationFailed(Reason.LOGIN_FAILED, e.getMessage()));
        }
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
