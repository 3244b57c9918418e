package io.drawbridge.authn.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.drawbridge.Reason;
import io.drawbridge.authn.AuthenticationFailed;
import java.net.URI;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;

/**
 * The two halves of a sign-in. {@link #begin}: a fresh {@code state}, {@code nonce} and PKCE verifier, sealed into
 * a short-lived login cookie that only the callback path receives, and the issuer's authorization URL.
 * {@link #complete}: the callback's {@code state} must match a login cookie this browser holds, once (a replayed
 * state is refused, here and on every instance whose cookie is gone), then the code is exchanged with the verifier
 * and the ID token checked against the nonce.
 */
public final class LoginFlow {

    static final String PURPOSE = "drawbridge-login";
    static final Duration LOGIN_TIME = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionStore sessions;
    private final OidcClient client;
    private final String callbackPath;
    private final String callbackAuthority;
    /** States already used on this instance, until their login cookie would have expired anyway. */
    private final Cache<String, Boolean> usedStates = Caffeine.newBuilder().expireAfterWrite(LOGIN_TIME)
            .maximumSize(1_000_000).build();

    /** Where the browser goes to sign in, and the cookie it must bring back. */
    public record Start(URI authorizationUrl, String loginCookie) {
    }

    /**
     * A callback this browser cannot complete because the attempt it names is not (or no longer) its own: no
     * state, no login cookie for it (the sign-in began on another host name, or cookies were lost), expired, or
     * already used. Starting again can help; an issuer's error or a refused code are not this.
     */
    static final class StaleAttempt extends AuthenticationFailed {
        StaleAttempt(String detail) {
            super(Reason.LOGIN_FAILED, detail);
        }
    }

    /** A finished sign-in: the new session, and where the browser asked to go. */
    public record Done(OidcClient.Tokens tokens, String returnPath, String loginCookieName) {
    }

    /** @param redirectUri the registered callback URL; the gateway serves its path */
    public LoginFlow(SessionStore sessions, OidcClient client, URI redirectUri) {
        this.sessions = sessions;
        this.client = client;
        this.callbackPath = redirectUri.getPath();
        this.callbackAuthority = redirectUri.getRawAuthority();
    }

    public String callbackPath() {
        return callbackPath;
    }

    /** The host (and port) of the redirect URI: where sign-ins end. */
    String callbackAuthority() {
        return callbackAuthority;
    }

    /**
     * Starts a sign-in that returns to {@code returnPath} (checked again on the way back); needs client.ready().
     *
     * @param returnPath a path, or an absolute URL on another host of the cookie domain
     */
    public Start begin(String returnPath) {
        String state = random(32);
        String nonce = random(32);
        String verifier = new CodeVerifier().getValue();
        Instant expires = sessions.clock().instant().plus(LOGIN_TIME);
        var claims = new JWTClaimsSet.Builder()
                .claim("state", state)
                .claim("nonce", nonce)
                .claim("pkce", verifier)
                .claim("return", ReturnPath.check(returnPath, cookieDomain()).orElse("/"))
                .expirationTime(Date.from(expires))
                .build();
        String sealed = sessions.keys().seal(PURPOSE, claims);
        String cookie = sessions.cookies().cookie(sessions.cookies().loginName(state), sealed, callbackPath, LOGIN_TIME);
        return new Start(client.authorizationUrl(state, nonce, verifier), cookie);
    }

    /**
     * Completes a sign-in from the callback's query parameters; blocks on the token endpoint.
     *
     * @throws AuthenticationFailed {@link Reason#LOGIN_FAILED} for an error from the issuer, a state without its
     *                              login cookie (unknown, expired or replayed), a refused code or a bad ID token
     */
    public Done complete(Map<String, String> query, Map<String, String> cookies) {
        String state = query.get("state");
        if (state == null || state.length() < 16 || state.length() > 128) {
            throw new StaleAttempt("callback without a usable state");
        }
        String cookieName = sessions.cookies().loginName(state);
        JWTClaimsSet login = sessions.keys().open(PURPOSE, cookies.get(cookieName)).orElseThrow(() ->
                new StaleAttempt("no login cookie for this state (unknown, expired or already used)"));
        Instant now = sessions.clock().instant();
        String expected;
        try {
            expected = login.getStringClaim("state");
            if (expected == null || login.getExpirationTime() == null
                    || !now.isBefore(login.getExpirationTime().toInstant())) {
                throw new StaleAttempt("login cookie expired");
            }
            if (!MessageDigest.isEqual(expected.getBytes(), state.getBytes())) {
                throw new AuthenticationFailed(Reason.LOGIN_FAILED, "state does not match the login cookie");
            }
            if (usedStates.asMap().putIfAbsent(state, Boolean.TRUE) != null) {
                throw new StaleAttempt("state already used");
            }
            requireResponseIssuer(query.get("iss"));
            if (query.get("error") != null) {
                throw new AuthenticationFailed(Reason.LOGIN_FAILED, "the issuer answered "
                        + query.get("error").replaceAll("[^A-Za-z0-9_.-]", "?"));
            }
            String code = query.get("code");
            if (code == null || code.isEmpty()) {
                throw new AuthenticationFailed(Reason.LOGIN_FAILED, "callback without a code");
            }
            String verifier = login.getStringClaim("pkce");
            String nonce = login.getStringClaim("nonce");
            if (verifier == null || nonce == null || !verifier.matches("[A-Za-z0-9._~-]{43,128}")) {
                throw new AuthenticationFailed(Reason.LOGIN_FAILED, "login cookie without a usable verifier or nonce");
            }
            OidcClient.Tokens tokens = client.exchange(code, verifier, nonce);
            String back = ReturnPath.check(login.getStringClaim("return"), cookieDomain()).orElse("/");
            return new Done(tokens, back, cookieName);
        } catch (ParseException e) {
            throw new AuthenticationFailed(Reason.LOGIN_FAILED, "login cookie unreadable");
        }
    }

    /** Where the attempt named by {@code state} meant to return, if this browser still holds its login cookie. */
    Optional<String> returnPathOf(String state, Map<String, String> cookies) {
        if (state == null || state.length() < 16 || state.length() > 128) {
            return Optional.empty();
        }
        return sessions.keys().open(PURPOSE, cookies.get(sessions.cookies().loginName(state))).flatMap(login -> {
            try {
                return ReturnPath.check(login.getStringClaim("return"), cookieDomain());
            } catch (ParseException e) {
                return Optional.empty();
            }
        });
    }

    /** Fetches the issuer's metadata if needed, so {@link #begin} can run; blocks. */
    void prepare() {
        client.prepare();
    }

    /**
     * RFC 9207: an authorization response names its issuer when the issuer says it does, and a named issuer must
     * be ours. Another one means the browser was sent through another issuer (a mix-up attack), whose code this
     * gateway must not redeem.
     */
    private void requireResponseIssuer(String iss) {
        Map.Entry<String, Boolean> expected = client.responseIssuer();
        String problem = responseIssuerProblem(iss, expected.getKey(), expected.getValue());
        if (problem != null) {
            throw new AuthenticationFailed(Reason.LOGIN_FAILED, problem);
        }
    }

    /** @return why the callback's {@code iss} is not acceptable, or {@code null} when it is */
    static String responseIssuerProblem(String iss, String issuer, boolean advertised) {
        if (iss == null) {
            return advertised ? "authorization response without iss, which the issuer advertises (RFC 9207)" : null;
        }
        return iss.equals(issuer) ? null : "authorization response from another issuer (iss, RFC 9207)";
    }

    private String cookieDomain() {
        return sessions.config().cookieDomain();
    }

    /** A {@code Set-Cookie} value that removes a login cookie. */
    public String clearLoginCookie(String name) {
        return sessions.cookies().cookie(name, "", callbackPath, Duration.ZERO);
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }
}
