package io.drawbridge.authn.session;

import com.nimbusds.jwt.JWTParser;
import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.authn.AuthenticationFailed;
import io.drawbridge.authn.IdentityMapper;
import io.drawbridge.config.LoginConfig;
import io.drawbridge.edge.BadRequest;
import io.drawbridge.edge.ClientRequest;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Decision;
import java.net.URI;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The logout path. {@code GET} shows a page with a sign-out button (without a session: "you are signed out", where
 * a sign-out lands when no {@code postLogoutRedirectUri} is configured); {@code POST} signs out: it must come from a
 * page of the same origin ({@code Sec-Fetch-Site: same-origin}, or an {@code Origin} naming this host; neither:
 * refused), removes the session cookies, and sends the browser to the issuer's {@code end_session_endpoint} with
 * {@code id_token_hint} and the configured {@code post_logout_redirect_uri} when the issuer offers one. The
 * session is also remembered as signed out on this instance and its refresh token revoked at the issuer, so a
 * copy of the cookie stops working here at once and on other replicas when its access token expires.
 */
final class Logout extends AsyncProcessorSupport {

    private static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head>
            <body><form method="post"><button id="sign-out" type="submit">Sign out</button></form></body></html>
            """;
    /** Where a sign-out lands without a post-logout URL of its own (GET without a session): better than a 404. */
    private static final String SIGNED_OUT = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head>
            <body><h1 id="signed-out">You are signed out</h1>
            <p>Open any page of this site again to sign in.</p></body></html>
            """;

    private final SessionStore sessions;
    private final OidcClient client;
    private final LoginConfig config;
    private final IdentityMapper identities;
    private final Executor executor;

    Logout(SessionStore sessions, OidcClient client, LoginConfig config, IdentityMapper identities,
           Executor executor) {
        this.sessions = sessions;
        this.client = client;
        this.config = config;
        this.identities = identities;
        this.executor = executor;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Message message = exchange.getMessage();
        String method = message.getHeader(Exchange.HTTP_METHOD, String.class);
        exchange.setProperty(ExchangeKeys.DECISION, Decision.allow(Reason.PUBLIC_ROUTE, "built-in:logout", null));
        if ("GET".equals(method) || "HEAD".equals(method)) {
            boolean signedIn = sessions.cookies().sessionValue(SessionCookies.parse(
                    message.getHeader(BrowserAuthenticationStep.COOKIE))) != null;
            message.getHeaders().clear();
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            message.setHeader("Content-Type", "text/html; charset=utf-8");
            message.setHeader("Cache-Control", "no-store");
            // no form-action: the POST is redirected on to the issuer's end-session page, another origin
            message.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
            message.setBody(signedIn ? PAGE : SIGNED_OUT);
            callback.done(true);
            return true;
        }
        if (!"POST".equals(method)) {
            exchange.setException(new BadRequest(Reason.METHOD_REJECTED, "logout is POST"));
            callback.done(true);
            return true;
        }
        var request = exchange.getProperty(ExchangeKeys.CLIENT_REQUEST, ClientRequest.class);
        if (!sameOrigin(message, request == null ? null : request.hostHeader())) {
            exchange.setProperty(ExchangeKeys.FAILURE_REASON, Reason.CSRF_REJECTED);
            exchange.setException(new AuthenticationFailed(Reason.CSRF_REJECTED,
                    "logout without Sec-Fetch-Site: same-origin or a matching Origin"));
            callback.done(true);
            return true;
        }
        Map<String, String> sent = SessionCookies.parse(message.getHeader(BrowserAuthenticationStep.COOKIE));
        Session session;
        try {
            session = sessions.openIgnoringLifetimes(sent);
        } catch (AuthenticationFailed e) {
            session = null;
        }
        if (session != null) {
            sessions.end(session); // a copy of the cookie must not go on working here
            signedOut(session).ifPresent(who -> exchange.setProperty(ExchangeKeys.IDENTITY, who)); // for the audit
        }
        BrowserAuthenticationStep.addCookies(exchange, sessions.clear(sent));
        String idToken = session == null ? null : session.idToken();
        String refreshToken = session == null ? null : session.refreshToken();
        if (idToken == null && refreshToken == null) {
            finish(exchange, landing());
            callback.done(true);
            return true;
        }
        try {
            executor.execute(() -> {
                try {
                    client.prepare();
                    // other replicas cannot know of this logout: without a refresh token a copy of the cookie
                    // lasts there only until its access token expires
                    client.revoke(refreshToken);
                    finish(exchange, client.endSessionUrl(idToken).map(URI::toString).orElse(
                            landing()));
                } catch (AuthenticationFailed e) {
                    finish(exchange, landing()); // signed out here; the issuer is unreachable, so only here
                } finally {
                    callback.done(false);
                }
            });
            return false;
        } catch (RejectedExecutionException e) {
            finish(exchange, landing());
            callback.done(true);
            return true;
        }
    }

    /** After signing out: the configured post-logout URL, else this path's own "signed out" page. */
    private String landing() {
        return config.postLogoutRedirectUri() != null ? config.postLogoutRedirectUri() : config.logoutPath();
    }

    /**
     * Who signs out: the identity in the session's access token, read without checking its lifetime, which is
     * often over by the time a user signs out. Its claims are the ones verified at sign-in or refresh: only the
     * gateway seals session cookies, and it seals only tokens it verified.
     */
    private Optional<Identity> signedOut(Session session) {
        try {
            return Optional.of(identities.map(JWTParser.parse(session.accessToken()).getJWTClaimsSet()));
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void finish(Exchange exchange, String location) {
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 303);
        message.setHeader("Location", location);
        message.setHeader("Cache-Control", "no-store");
        message.setBody(null);
    }

    /** Proof that the form was posted by a page of this origin, as browsers send it and other sites cannot. */
    static boolean sameOrigin(Message message, String host) {
        return SameOrigin.proven(message, host);
    }

}
