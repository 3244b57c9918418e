package io.drawbridge.config;

import java.util.List;

/**
 * Browser sign-in: routes whose authenticate step says {@code login=browser} send browsers without a session to
 * the issuer's login page (authorization code flow with PKCE) and keep them signed in with an encrypted cookie.
 * Absent ({@code null}): no browser sign-in, bearer tokens only.
 *
 * @param issuer                the name of the {@code issuers[]} entry to sign in with; required. Its access tokens
 *                              must be JWTs for one of its {@code audiences}: they make the session's identity
 * @param clientId              the gateway's client id at the issuer; required
 * @param clientSecret          the client secret, only as an environment placeholder ({@code ${NAME}})
 * @param clientKeyFile         a private JWK (RSA or EC) file for {@code private_key_jwt} instead of a secret
 * @param clientAuth            {@code client_secret_basic} (default with a secret), {@code client_secret_post} or
 *                              {@code private_key_jwt} (default with a key file)
 * @param redirectUri           the callback URL registered at the issuer, absolute; its path is served by the
 *                              gateway (e.g. {@code https://portal.example.com/oauth2/callback}); required
 * @param scopes                requested scopes; default {@code openid profile email}
 * @param logoutPath            where browsers sign out (POST; GET shows a sign-out button); default
 *                              {@code /oauth2/logout}
 * @param postLogoutRedirectUri where the issuer sends the browser after signing out, absolute and registered at the
 *                              issuer, e.g. the logout path's own "You are signed out" page; default none (the
 *                              issuer's own page, or without an end-session endpoint the logout path's page)
 * @param session               the session cookie
 */
public record LoginConfig(
        String issuer,
        String clientId,
        String clientSecret,
        String clientKeyFile,
        String clientAuth,
        String redirectUri,
        List<String> scopes,
        String logoutPath,
        String postLogoutRedirectUri,
        SessionConfig session) {

    public LoginConfig {
        scopes = scopes == null ? List.of("openid", "profile", "email") : List.copyOf(scopes);
        logoutPath = logoutPath == null ? "/oauth2/logout" : logoutPath;
        session = session == null ? SessionConfig.defaults() : session;
        if (clientAuth == null) {
            clientAuth = clientKeyFile != null ? "private_key_jwt" : "client_secret_basic";
        }
    }

    /** Secrets are never printed. */
    @Override
    public String toString() {
        return "LoginConfig[issuer=" + issuer + ", clientId=" + clientId + ", clientAuth=" + clientAuth
                + ", redirectUri=" + redirectUri + ", scopes=" + scopes + ", logoutPath=" + logoutPath
                + ", postLogoutRedirectUri=" + postLogoutRedirectUri + ", session=" + session + "]";
    }
}
