package io.drawbridge.dev;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The dev issuer's browser sign-in: the authorization endpoint with a minimal login form for the demo users, the
 * authorization-code grant (PKCE S256 required, codes single-use for one minute), refresh tokens, and an end-session
 * endpoint. One confidential client, {@link #CLIENT}, whose only redirect URI is the dev gateway's callback.
 */
final class DevLogin {

    static final String CLIENT = "drawbridge-gateway";
    static final String CLIENT_SECRET = "dev-gateway-secret";
    private static final Duration CODE_LIFETIME = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a code stands for until the gateway redeems it. */
    private record Grant(String user, String redirectUri, String challenge, String nonce, Instant expires) {
    }

    private final String redirectUri;
    private final String postLogoutRedirectUri;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();

    DevLogin(String redirectUri, String postLogoutRedirectUri) {
        this.redirectUri = redirectUri;
        this.postLogoutRedirectUri = postLogoutRedirectUri;
    }

    /** The authorization request's problem, or null when it is one this issuer serves. */
    String refusal(Map<String, String> request) {
        if (!CLIENT.equals(request.get("client_id"))) {
            return "unknown client_id";
        }
        if (!redirectUri.equals(request.get("redirect_uri"))) {
            return "redirect_uri is not registered";
        }
        if (!"code".equals(request.get("response_type"))) {
            return "response_type must be code";
        }
        if (!"S256".equals(request.get("code_challenge_method")) || request.get("code_challenge") == null) {
            return "PKCE with S256 is required";
        }
        if (request.get("state") == null || request.get("nonce") == null) {
            return "state and nonce are required";
        }
        return null;
    }

    /** The login form, carrying the authorization request along in hidden fields. */
    String form(Map<String, String> request, String error) {
        var html = new StringBuilder("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Drawbridge dev sign-in</title></head><body>
                <h1>Drawbridge dev issuer</h1><p>Demo users: alice/alice (sre, platform), bob/bob.</p>
                """);
        if (error != null) {
            html.append("<p id=\"error\">").append(escape(error)).append("</p>\n");
        }
        html.append("<form method=\"post\">\n");
        for (String name : new String[] {"client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
            "code_challenge", "code_challenge_method"}) {
            html.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"")
                    .append(escape(request.getOrDefault(name, ""))).append("\">\n");
        }
        html.append("""
                <label>User <input id="username" name="username" autofocus></label>
                <label>Password <input id="password" name="password" type="password"></label>
                <button id="sign-in" type="submit">Sign in</button>
                </form></body></html>
                """);
        return html.toString();
    }

    /** Where the browser goes after a correct password: back to the gateway with a fresh code. */
    String signIn(Map<String, String> request, DevIssuer.Account user) {
        String code = random();
        codes.put(code, new Grant(user.name(), request.get("redirect_uri"), request.get("code_challenge"),
                request.get("nonce"), Instant.now().plus(CODE_LIFETIME)));
        return request.get("redirect_uri") + "?code=" + code + "&state="
                + URLEncoder.encode(request.get("state"), StandardCharsets.UTF_8);
    }

    /** The token response for a code, or null when the code, redirect URI or PKCE verifier does not match. */
    Map<String, Object> redeem(Map<String, String> form, DevIssuer issuer) throws JOSEException {
        Grant grant = codes.remove(form.getOrDefault("code", ""));
        if (grant == null || Instant.now().isAfter(grant.expires())
                || !grant.redirectUri().equals(form.get("redirect_uri")) || form.get("code_verifier") == null) {
            return null;
        }
        CodeChallenge expected = CodeChallenge.compute(CodeChallengeMethod.S256,
                new CodeVerifier(form.get("code_verifier")));
        if (!MessageDigest.isEqual(expected.getValue().getBytes(StandardCharsets.US_ASCII),
                grant.challenge().getBytes(StandardCharsets.US_ASCII))) {
            return null;
        }
        return tokens(grant.user(), grant.nonce(), issuer);
    }

    /** The token response for a refresh token, or null when it is unknown or was ended by a logout. */
    Map<String, Object> refresh(Map<String, String> form, DevIssuer issuer) throws JOSEException {
        String user = refreshTokens.remove(form.getOrDefault("refresh_token", ""));
        return user == null ? null : tokens(user, null, issuer);
    }

    private Map<String, Object> tokens(String user, String nonce, DevIssuer issuer) throws JOSEException {
        DevIssuer.Account account = DevIssuer.USERS.get(user);
        String refresh = random();
        refreshTokens.put(refresh, user);
        var response = new LinkedHashMap<String, Object>();
        response.put("access_token", issuer.mint(account, CLIENT, true));
        response.put("token_type", "Bearer");
        response.put("expires_in", DevIssuer.TOKEN_LIFETIME.toSeconds());
        response.put("refresh_token", refresh);
        response.put("id_token", issuer.idToken(account, CLIENT, nonce));
        return response;
    }

    /** GET: the login form for a valid authorization request; POST: the demo user's password, then a code. */
    void authorize(Message message, String method) {
        Map<String, String> request = "POST".equals(method) ? DevIssuer.parseForm(message.getBody(String.class))
                : DevIssuer.parseForm(message.getHeader(Exchange.HTTP_QUERY, String.class));
        String refusal = refusal(request);
        if (refusal != null) {
            html(message, 400, "<!doctype html><p>" + DevLogin.escape(refusal) + "</p>");
            return;
        }
        if (!"POST".equals(method)) {
            html(message, 200, form(request, null));
            return;
        }
        DevIssuer.Account user = DevIssuer.USERS.get(request.getOrDefault("username", ""));
        if (user == null || !DevIssuer.secretMatches(user.secret(), request.get("password"))) {
            html(message, 401, form(request, "Unknown user or wrong password."));
            return;
        }
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 302);
        message.setHeader("Location", signIn(request, user));
        message.setHeader("Cache-Control", "no-store");
        message.setBody(null);
    }

    /** RP-initiated logout: ends the user's refresh tokens, then back to the registered page or a notice. */
    void logout(Message message, UnaryOperator<String> verifiedSubject) {
        Map<String, String> query = DevIssuer.parseForm(message.getHeader(Exchange.HTTP_QUERY, String.class));
        String hint = query.get("id_token_hint");
        String next = logout(hint == null ? null : verifiedSubject.apply(hint), query.get("post_logout_redirect_uri"));
        if (next == null) {
            html(message, 200, "<!doctype html><p>Signed out of the dev issuer.</p>");
            return;
        }
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 302);
        message.setHeader("Location", next);
        message.setBody(null);
    }

    private static void html(Message message, int status, String page) {
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader("Content-Type", "text/html; charset=utf-8");
        message.setHeader("Cache-Control", "no-store");
        message.setHeader("Content-Security-Policy", "default-src 'none'; form-action 'self'");
        message.setBody(page);
    }

    /** Ends every refresh token of the user named in the hint; where to send the browser next. */
    String logout(String user, String requestedRedirect) {
        if (user != null) {
            refreshTokens.values().removeIf(user::equals);
        }
        return postLogoutRedirectUri.equals(requestedRedirect) ? requestedRedirect : null;
    }

    boolean clientAuthenticated(String[] credentials) {
        return credentials != null && CLIENT.equals(credentials[0]) && credentials[1] != null
                && MessageDigest.isEqual(CLIENT_SECRET.getBytes(StandardCharsets.UTF_8),
                credentials[1].getBytes(StandardCharsets.UTF_8));
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
