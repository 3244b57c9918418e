package io.drawbridge.authn.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.drawbridge.Reason;
import io.drawbridge.authn.AuthenticationFailed;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.config.LoginConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway as an OpenID Connect relying party, built on the Nimbus OAuth 2.0 SDK: the issuer's discovery
 * document, the authorization request (code flow, PKCE S256, state and nonce), the code exchange and refresh at the
 * token endpoint with the client's authentication, full ID token validation, and the RP-initiated logout URL.
 * Methods that talk to the issuer block: call them on a worker thread.
 */
public final class OidcClient {

    private static final int TIMEOUT_MS = 5000;

    /** Tokens from the token endpoint; {@code idToken} and {@code refreshToken} may be null after a refresh. */
    public record Tokens(String accessToken, String refreshToken, String idToken, Instant accessExpires) {
        @Override
        public String toString() {
            return "Tokens[accessExpires=" + accessExpires + "]";
        }
    }

    /** The issuer refused the refresh token: the session is over. */
    public static final class RefreshRefused extends AuthenticationFailed {
        RefreshRefused(String detail) {
            super(Reason.SESSION_EXPIRED, detail);
        }
    }

    private final LoginConfig login;
    private final IssuerConfig issuer;
    private final ClientID clientId;
    private final URI redirectUri;
    private final JWK clientKey;
    private final Clock clock;
    private final AtomicReference<Provider> provider = new AtomicReference<>();

    /** The discovery document, and the ID token validator that goes with its keys. */
    private record Provider(OIDCProviderMetadata metadata, IDTokenValidator validator) {
    }

    public OidcClient(LoginConfig login, IssuerConfig issuer, Clock clock) {
        this.login = login;
        this.issuer = issuer;
        this.clientId = new ClientID(login.clientId());
        this.redirectUri = URI.create(login.redirectUri());
        this.clock = clock;
        this.clientKey = login.clientAuth().equals("private_key_jwt") ? readKey(Path.of(login.clientKeyFile())) : null;
    }

    /** Whether the discovery document is in memory, so the methods that need only it do no I/O. */
    public boolean ready() {
        return provider.get() != null;
    }

    /**
     * The {@code iss} an authorization response must carry (RFC 9207): the issuer's, when its discovery document
     * advertises {@code authorization_response_iss_parameter_supported}; else {@code null}, and an {@code iss}
     * that is present must still be the issuer's.
     *
     * @return the issuer identifier, and whether it is required
     */
    public Map.Entry<String, Boolean> responseIssuer() {
        return Map.entry(issuer.issuer(), provider().metadata().supportsAuthorizationResponseIssuerParam());
    }

    /** Fetches the discovery document unless it is in memory. */
    public void prepare() {
        provider();
    }

    private Provider provider() {
        Provider current = provider.get();
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (provider.get() != null) {
                return provider.get();
            }
            try {
                HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET, URI.create(issuer.effectiveDiscoveryUri()));
                request.setConnectTimeout(TIMEOUT_MS);
                request.setReadTimeout(TIMEOUT_MS);
                HTTPResponse response = request.send();
                if (!response.indicatesSuccess()) {
                    throw new IOException("discovery document: HTTP " + response.getStatusCode());
                }
                OIDCProviderMetadata metadata = OIDCProviderMetadata.parse(response.getContentAsJSONObject());
                if (!metadata.getIssuer().getValue().equals(issuer.issuer())) {
                    throw new IOException("the discovery document names issuer " + metadata.getIssuer()
                            + ", not " + issuer.issuer());
                }
                var retriever = new DefaultResourceRetriever(TIMEOUT_MS, TIMEOUT_MS, 1024 * 1024);
                JWKSource<SecurityContext> keys = JWKSourceBuilder.create(metadata.getJWKSetURI().toURL(), retriever)
                        .retrying(false).build();
                var algorithms = new HashSet<JWSAlgorithm>();
                issuer.algorithms().forEach(a -> algorithms.add(JWSAlgorithm.parse(a)));
                var validator = new IDTokenValidator(new Issuer(issuer.issuer()), clientId,
                        new JWSVerificationKeySelector<>(algorithms, keys), null);
                validator.setMaxClockSkew((int) issuer.clockSkew().toSeconds());
                Provider loaded = new Provider(metadata, validator);
                provider.set(loaded);
                return loaded;
            } catch (IOException | ParseException e) {
                throw new AuthenticationFailed(Reason.ISSUER_UNAVAILABLE, "issuer " + issuer.name()
                        + " discovery failed: " + e.getMessage());
            }
        }
    }

    /** The URL that starts a sign-in at the issuer; needs {@link #ready()}. */
    public URI authorizationUrl(String state, String nonce, String codeVerifier) {
        OIDCProviderMetadata metadata = provider().metadata();
        return new AuthenticationRequest.Builder(new ResponseType(ResponseType.Value.CODE),
                new Scope(login.scopes().toArray(String[]::new)), clientId, redirectUri)
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .state(new State(state))
                .nonce(new Nonce(nonce))
                .codeChallenge(new CodeVerifier(codeVerifier), CodeChallengeMethod.S256)
                .build()
                .toURI();
    }

    /** Exchanges an authorization code and validates the ID token in full, nonce included. */
    public Tokens exchange(String code, String codeVerifier, String nonce) {
        var grant = new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri, new CodeVerifier(codeVerifier));
        Tokens tokens = tokenRequest(grant, false);
        if (tokens.idToken() == null) {
            throw new AuthenticationFailed(Reason.LOGIN_FAILED, "the token response has no ID token");
        }
        validateIdToken(tokens.idToken(), new Nonce(nonce));
        return tokens;
    }

    /**
     * A new access token for a refresh token.
     *
     * @throws RefreshRefused        when the issuer refuses it (the session is over)
     * @throws AuthenticationFailed  with {@link Reason#ISSUER_UNAVAILABLE} when the issuer cannot be reached
     */
    public Tokens refresh(String refreshToken) {
        Tokens tokens = tokenRequest(new RefreshTokenGrant(new RefreshToken(refreshToken)), true);
        if (tokens.idToken() != null) {
            validateIdToken(tokens.idToken(), null);
        }
        return tokens;
    }

    private Tokens tokenRequest(AuthorizationGrant grant, boolean refresh) {
        URI endpoint = provider().metadata().getTokenEndpointURI();
        TokenResponse response;
        try {
            HTTPRequest request = new TokenRequest(endpoint, clientAuthentication(endpoint), grant, null)
                    .toHTTPRequest();
            request.setConnectTimeout(TIMEOUT_MS);
            request.setReadTimeout(TIMEOUT_MS);
            HTTPResponse http = request.send();
            if (http.getStatusCode() >= 500) {
                throw new IOException("token endpoint: HTTP " + http.getStatusCode());
            }
            response = OIDCTokenResponseParser.parse(http);
        } catch (IOException | ParseException e) {
            throw new AuthenticationFailed(Reason.ISSUER_UNAVAILABLE, "token endpoint: " + e.getMessage());
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = ((TokenErrorResponse) response).getErrorObject();
            String detail = "token endpoint refused the " + (refresh ? "refresh" : "code") + ": "
                    + (error == null ? "no error code" : error.getCode());
            throw refresh ? new RefreshRefused(detail) : new AuthenticationFailed(Reason.LOGIN_FAILED, detail);
        }
        var success = response.toSuccessResponse();
        String access = success.getTokens().getAccessToken().getValue();
        RefreshToken refreshToken = success.getTokens().getRefreshToken();
        String id = success.getTokens() instanceof OIDCTokens oidc && oidc.getIDToken() != null
                ? oidc.getIDTokenString() : null;
        long lifetime = success.getTokens().getAccessToken().getLifetime();
        return new Tokens(access, refreshToken == null ? null : refreshToken.getValue(), id,
                accessExpiry(access, lifetime));
    }

    /** The access token's own {@code exp} when it is a JWT (verified on every request), else its lifetime. */
    private Instant accessExpiry(String access, long lifetimeSeconds) {
        try {
            var exp = JWTParser.parse(access).getJWTClaimsSet().getExpirationTime();
            if (exp != null) {
                return exp.toInstant();
            }
        } catch (java.text.ParseException e) {
            // opaque: the lifetime from the response decides
        }
        return clock.instant().plus(Duration.ofSeconds(lifetimeSeconds > 0 ? lifetimeSeconds : 300));
    }

    private void validateIdToken(String idToken, Nonce nonce) {
        try {
            JWT jwt = JWTParser.parse(idToken);
            IDTokenClaimsSet claims = provider().validator().validate(jwt, nonce);
            List<Audience> audiences = claims.getAudience();
            var azp = claims.getAuthorizedParty();
            if ((audiences.size() > 1 || azp != null) && (azp == null || !clientId.getValue().equals(azp.getValue()))) {
                throw new BadJOSEException("azp is not this client");
            }
            if (nonce != null && claims.getNonce() == null) {
                throw new BadJOSEException("no nonce");
            }
        } catch (java.text.ParseException | BadJOSEException | JOSEException e) {
            throw new AuthenticationFailed(Reason.LOGIN_FAILED, "ID token rejected: " + e.getMessage());
        }
    }

    private ClientAuthentication clientAuthentication(URI tokenEndpoint) {
        try {
            return switch (login.clientAuth()) {
                case "client_secret_post" -> new ClientSecretPost(clientId, new Secret(login.clientSecret()));
                case "private_key_jwt" -> clientKey instanceof RSAKey rsa
                        ? new PrivateKeyJWT(clientId, tokenEndpoint, JWSAlgorithm.RS256, rsa.toRSAPrivateKey(),
                                rsa.getKeyID(), null)
                        : new PrivateKeyJWT(clientId, tokenEndpoint, JWSAlgorithm.ES256,
                                ((ECKey) clientKey).toECPrivateKey(), clientKey.getKeyID(), null);
                default -> new ClientSecretBasic(clientId, new Secret(login.clientSecret()));
            };
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the client assertion", e);
        }
    }

    /**
     * Revokes a refresh token at the issuer's {@code revocation_endpoint} (RFC 7009), when it has one, so no copy
     * of the session can be refreshed anywhere; best effort: an unreachable issuer or a refusal changes nothing
     * here. Blocks.
     *
     * @return whether the issuer confirmed the revocation
     */
    public boolean revoke(String refreshToken) {
        URI endpoint = provider().metadata().getRevocationEndpointURI();
        if (endpoint == null || refreshToken == null) {
            return false;
        }
        try {
            // a client assertion names the token endpoint, the audience every issuer accepts
            URI audience = provider().metadata().getTokenEndpointURI();
            HTTPRequest request = new TokenRevocationRequest(endpoint, clientAuthentication(audience),
                    new RefreshToken(refreshToken)).toHTTPRequest();
            request.setConnectTimeout(TIMEOUT_MS);
            request.setReadTimeout(TIMEOUT_MS);
            return request.send().indicatesSuccess();
        } catch (IOException e) {
            return false;
        }
    }

    /** Where to send the browser to end its session at the issuer, when the issuer offers that; needs ready(). */
    public Optional<URI> endSessionUrl(String idToken) {
        URI endpoint = provider().metadata().getEndSessionEndpointURI();
        if (endpoint == null) {
            return Optional.empty();
        }
        JWT hint = null;
        try {
            hint = idToken == null ? null : JWTParser.parse(idToken);
        } catch (java.text.ParseException e) {
            // no hint then; the issuer will ask the user
        }
        URI after = login.postLogoutRedirectUri() == null ? null : URI.create(login.postLogoutRedirectUri());
        return Optional.of(new LogoutRequest(endpoint, hint, null, clientId, after, null, null).toURI());
    }

    private static JWK readKey(Path file) {
        try {
            JWK key = JWK.parse(Files.readString(file));
            if (!key.isPrivate() || !(key instanceof RSAKey || key instanceof ECKey)) {
                throw new IllegalArgumentException(file + " must hold a private RSA or EC JWK");
            }
            return key;
        } catch (IOException | java.text.ParseException e) {
            throw new IllegalArgumentException("cannot read the client key " + file + ": " + e.getMessage());
        }
    }
}
