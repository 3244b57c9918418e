package io.drawbridge.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code login} section: a known issuer, a client that can authenticate, absolute redirect URIs, and session
 * keys strong enough for AES-256-GCM. That secrets are placeholders is checked before they are resolved.
 */
final class LoginCheck implements ConfigCheck {

    static final List<String> CLIENT_AUTH = List.of("client_secret_basic", "client_secret_post", "private_key_jwt");
    private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");
    private static final Pattern DOMAIN = Pattern.compile("\\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*"
            + "[a-z0-9])?)*");

    @Override
    public void check(GatewayConfig config, Problems problems) {
        LoginConfig login = config.login();
        if (login == null) {
            return;
        }
        if (login.issuer() == null || login.issuer().isBlank()) {
            problems.add("login.issuer", "is required: the name of the issuers[] entry to sign in with");
        } else if (config.issuers().stream().noneMatch(i -> login.issuer().equals(i.name()))) {
            problems.add("login.issuer", "names no issuer in issuers[]: '" + login.issuer() + "'");
        }
        if (login.clientId() == null || login.clientId().isBlank()) {
            problems.add("login.clientId", "is required: the gateway's client id at the issuer");
        }
        checkClient(login, problems);
        URI redirect = absolute(login.redirectUri(), "login.redirectUri", true, problems);
        if (redirect != null && (redirect.getRawPath() == null || redirect.getRawPath().length() < 2
                || redirect.getRawQuery() != null || redirect.getRawFragment() != null)) {
            problems.add("login.redirectUri", "needs a path of its own for the gateway to serve (such as "
                    + "/oauth2/callback) and no query or fragment");
        }
        absolute(login.postLogoutRedirectUri(), "login.postLogoutRedirectUri", false, problems);
        if (!login.scopes().contains("openid")) {
            problems.add("login.scopes", "must contain openid");
        }
        if (!login.logoutPath().startsWith("/") || login.logoutPath().length() < 2
                || login.logoutPath().contains("//") || login.logoutPath().contains("..")) {
            problems.add("login.logoutPath", "must be an absolute path such as /oauth2/logout");
        } else if (redirect != null && login.logoutPath().equals(redirect.getPath())) {
            problems.add("login.logoutPath", "must differ from the redirect URI's path");
        }
        checkSession(login.session(), problems);
    }

    private static void checkClient(LoginConfig login, Problems problems) {
        if (!CLIENT_AUTH.contains(login.clientAuth())) {
            problems.add("login.clientAuth", "must be one of " + String.join(", ", CLIENT_AUTH));
            return;
        }
        if (login.clientAuth().equals("private_key_jwt")) {
            if (login.clientKeyFile() == null) {
                problems.add("login.clientKeyFile", "is required with private_key_jwt: a private JWK file");
            } else if (!Files.isReadable(Path.of(login.clientKeyFile()))) {
                problems.add("login.clientKeyFile", "cannot read " + login.clientKeyFile());
            }
        } else if (login.clientSecret() == null || login.clientSecret().isEmpty()) {
            problems.add("login.clientSecret", "is required with " + login.clientAuth()
                    + ": give it as ${DRAWBRIDGE_CLIENT_SECRET}");
        }
    }

    private static void checkSession(SessionConfig session, Problems problems) {
        if (session.keys().isEmpty()) {
            problems.add("login.session.keys", "needs at least one key: 32 random bytes in base64, from the "
                    + "environment (openssl rand -base64 32)");
        }
        for (int i = 0; i < session.keys().size(); i++) {
            if (decodedLength(session.keys().get(i)) != 32) {
                problems.add("login.session.keys[" + i + "]", "must be 32 random bytes in base64 (openssl rand "
                        + "-base64 32); shorter keys are refused");
            }
        }
        if (!COOKIE_NAME.matcher(session.cookieName()).matches()) {
            problems.add("login.session.cookieName", "must be 1 to 64 letters, digits, _ or -");
        }
        if (session.cookieDomain() != null && !DOMAIN.matcher(session.cookieDomain()).matches()) {
            problems.add("login.session.cookieDomain", "must be a lower-case domain name such as example.com");
        }
        if (session.idleTimeout().compareTo(Duration.ofMinutes(1)) < 0) {
            problems.add("login.session.idleTimeout", "must be at least 1m");
        }
        if (session.maxLifetime().compareTo(session.idleTimeout()) < 0) {
            problems.add("login.session.maxLifetime", "must be at least the idle timeout");
        }
        if (session.refreshBefore().isNegative() || session.refreshBefore().compareTo(Duration.ofMinutes(10)) > 0) {
            problems.add("login.session.refreshBefore", "must be between 0s and 10m");
        }
    }

    static int decodedLength(String key) {
        try {
            return Base64.getDecoder().decode(key.strip()).length;
        } catch (IllegalArgumentException e) {
            try {
                return Base64.getUrlDecoder().decode(key.strip()).length;
            } catch (IllegalArgumentException again) {
                return -1;
            }
        }
    }

    private static URI absolute(String text, String field, boolean required, Problems problems) {
        if (text == null) {
            if (required) {
                problems.add(field, "is required: an absolute http(s) URL registered at the issuer");
            }
            return null;
        }
        try {
            URI uri = new URI(text);
            if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null
                    || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                problems.add(field, "must be an absolute http(s) URL such as https://portal.example.com/...");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            problems.add(field, "is not a URL: " + e.getReason());
            return null;
        }
    }
}
