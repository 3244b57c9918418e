package io.drawbridge.dev;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * A development OIDC issuer, served by the gateway itself at {@code /dev-idp} in dev mode only: a discovery
 * document, a JWKS, and a token endpoint with the password grant (public client {@code drawbridge-cli}) and the
 * client-credentials grant. Its users and secrets are fixed demo values, which is why it can never be switched on
 * outside dev mode (dev mode binds to loopback only).
 */
public final class DevIssuer implements Processor {

    /** A demo account: {@code password} is for users, {@code secret} for machine clients. */
    public record Account(String name, String secret, String email, List<String> groups) {
    }

    public static final String CLI_CLIENT = "drawbridge-cli";
    public static final String AUDIENCE = "drawbridge";
    static final Map<String, Account> USERS = Map.of(
            "alice", new Account("alice", "alice", "alice@example.com", List.of("sre", "platform")),
            "bob", new Account("bob", "bob", "bob@example.com", List.of()));
    static final Map<String, Account> MACHINES = Map.of(
            "ci-bot", new Account("ci-bot", "ci-bot-secret", null, List.of("automation")));
    /** The demo account of this name (a user or a machine client), for explanations of dev mode. */
    public static Optional<Account> account(String name) {
        return Optional.ofNullable(USERS.getOrDefault(name, MACHINES.get(name)));
    }

    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuer;
    private final String prefix;
    private final String origin;
    private final RSAKey key;
    private final DevLogin login;

    /**
     * @param issuer  the issuer URL, e.g. {@code http://127.0.0.1:8080/dev-idp}
     * @param keyFile where the signing key is kept across restarts (created on first use, owner-only)
     */
    public DevIssuer(String issuer, Path keyFile) {
        this(issuer, keyFile, null, null);
    }

    /**
     * With browser sign-in for the dev gateway's client {@code drawbridge-gateway}.
     *
     * @param redirectUri           the gateway's callback, the client's only redirect URI; null for no sign-in
     * @param postLogoutRedirectUri where browsers may be sent after logout
     */
    public DevIssuer(String issuer, Path keyFile, String redirectUri, String postLogoutRedirectUri) {
        this.issuer = issuer;
        this.prefix = URI.create(issuer).getPath();
        this.origin = issuer.substring(0, issuer.length() - prefix.length());
        this.key = loadOrCreateKey(keyFile);
        this.login = redirectUri == null ? null : new DevLogin(redirectUri, postLogoutRedirectUri);
    }

    public String issuer() {
        return issuer;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        String path = message.getHeader(Exchange.HTTP_PATH, String.class);
        String local = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
        String method = message.getHeader(Exchange.HTTP_METHOD, String.class);
        switch (local) {
            case "/.well-known/openid-configuration" -> json(message, 200, discovery());
            case "/jwks" -> json(message, 200, new JWKSet(key.toPublicJWK()).toJSONObject());
            case "/authorize" -> {
                if (login == null) {
                    json(message, 404, Map.of("error", "not_found"));
                } else {
                    login.authorize(message, method);
                }
            }
            case "/logout" -> {
                if (login == null) {
                    json(message, 404, Map.of("error", "not_found"));
                } else {
                    login.logout(message, this::verifiedSubject);
                }
            }
            case "/token" -> {
                if (!"POST".equals(method)) {
                    json(message, 405, Map.of("error", "invalid_request"));
                } else {
                    token(message);
                }
            }
            default -> json(message, 404, Map.of("error", "not_found"));
        }
    }

    private Map<String, Object> discovery() {
        var doc = new LinkedHashMap<String, Object>();
        doc.put("issuer", issuer);
        doc.put("jwks_uri", issuer + "/jwks");
        doc.put("token_endpoint", issuer + "/token");
        if (login != null) {
            doc.put("authorization_endpoint", issuer + "/authorize");
            doc.put("end_session_endpoint", issuer + "/logout");
            doc.put("code_challenge_methods_supported", List.of("S256"));
            doc.put("scopes_supported", List.of("openid", "profile", "email"));
        }
        doc.put("grant_types_supported", login == null ? List.of("password", "client_credentials")
                : List.of("password", "client_credentials", "authorization_code", "refresh_token"));
        doc.put("response_types_supported", login == null ? List.of("token") : List.of("code"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "none"));
        return doc;
    }

    private void token(Message message) throws JOSEException {
        Map<String, String> form = parseForm(message.getBody(String.class));
        String grant = form.getOrDefault("grant_type", "");
        switch (grant) {
            case "password" -> {
                if (!CLI_CLIENT.equals(form.get("client_id"))) {
                    json(message, 401, Map.of("error", "invalid_client"));
                    return;
                }
                Account user = USERS.get(form.getOrDefault("username", ""));
                if (user == null || !secretMatches(user.secret(), form.get("password"))) {
                    json(message, 400, Map.of("error", "invalid_grant",
                            "error_description", "unknown user or wrong password"));
                    return;
                }
                json(message, 200, tokenResponse(mint(user, CLI_CLIENT, true)));
            }
            case "client_credentials" -> {
                String[] client = clientCredentials(message, form);
                Account machine = client == null ? null : MACHINES.get(client[0]);
                if (machine == null || !secretMatches(machine.secret(), client[1])) {
                    json(message, 401, Map.of("error", "invalid_client"));
                    return;
                }
                String resource = form.get("resource");
                if (resource != null && !resource.startsWith(origin + "/")) {
                    // RFC 8707: tokens only for resources behind this gateway
                    json(message, 400, Map.of("error", "invalid_target"));
                    return;
                }
                json(message, 200, tokenResponse(mint(machine, machine.name(), false, resource)));
            }
            case "authorization_code", "refresh_token" -> {
                if (login == null || !login.clientAuthenticated(clientCredentials(message, form))) {
                    json(message, 401, Map.of("error", "invalid_client"));
                    return;
                }
                Map<String, Object> tokens = grant.equals("refresh_token") ? login.refresh(form, this)
                        : login.redeem(form, this);
                if (tokens == null) {
                    json(message, 400, Map.of("error", "invalid_grant"));
                } else {
                    json(message, 200, tokens);
                }
            }
            default -> json(message, 400, Map.of("error", "unsupported_grant_type"));
        }
    }

    /** The subject of a token this issuer signed, or null. */
    private String verifiedSubject(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            return jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))
                    ? jwt.getJWTClaimsSet().getSubject() : null;
        } catch (ParseException | JOSEException e) {
            return null;
        }
    }

    /** An ID token for the gateway's sign-in: audience the client, {@code azp}, and the request's nonce. */
    String idToken(Account account, String clientId, String nonce) throws JOSEException {
        Instant now = Instant.now();
        var claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(account.name())
                .audience(clientId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
                .claim("azp", clientId)
                .claim("preferred_username", account.name())
                .claim("groups", account.groups());
        if (nonce != null) {
            claims.claim("nonce", nonce);
        }
        if (account.email() != null) {
            claims.claim("email", account.email());
        }
        return sign(claims.build());
    }


    private String sign(JWTClaimsSet claims) throws JOSEException {
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** Signs an access token for a demo account. Public for tests that need tokens without HTTP. */
    public String mint(Account account, String clientId, boolean human) throws JOSEException {
        return mint(account, clientId, human, null);
    }

    /**
     * With {@code resource} (RFC 8707: the client named the server it wants the token for), the token's audience
     * is that resource alone, so no other route accepts it; else {@value #AUDIENCE}.
     */
    public String mint(Account account, String clientId, boolean human, String resource) throws JOSEException {
        Instant now = Instant.now();
        var claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(account.name())
                .audience(resource != null ? resource : AUDIENCE)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .claim("azp", clientId)
                .claim("client_id", clientId)
                .claim("preferred_username", account.name())
                .claim("groups", account.groups())
                .claim("scope", human ? "openid profile email" : "service");
        if (account.email() != null) {
            claims.claim("email", account.email());
        }
        return sign(claims.build());
    }

    public String mintFor(String user) throws JOSEException {
        Account account = USERS.get(user);
        return account != null ? mint(account, CLI_CLIENT, true) : mint(MACHINES.get(user), user, false);
    }

    private static Map<String, Object> tokenResponse(String token) {
        var response = new LinkedHashMap<String, Object>();
        response.put("access_token", token);
        response.put("token_type", "Bearer");
        response.put("expires_in", TOKEN_LIFETIME.toSeconds());
        return response;
    }

    /** The client id and secret from HTTP Basic authentication or from the form. */
    private static String[] clientCredentials(Message message, Map<String, String> form) {
        String authorization = message.getHeader("Authorization", String.class);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    return new String[] {
                        URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                        URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
                }
            } catch (IllegalArgumentException e) {
                return null;
            }
            return null;
        }
        String id = form.get("client_id");
        return id == null ? null : new String[] {id, form.get("client_secret")};
    }

    static boolean secretMatches(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> parseForm(String body) {
        var form = new LinkedHashMap<String, String>();
        if (body == null || body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                form.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed escape: ignore the pair, the grant will then be refused as incomplete
            }
        }
        return form;
    }

    private static void json(Message message, int status, Object body) {
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader("Content-Type", "application/json");
        message.setHeader("Cache-Control", "no-store");
        try {
            message.setBody(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey loadOrCreateKey(Path file) {
        try {
            if (file != null && Files.isReadable(file)) {
                return RSAKey.parse(Files.readString(file));
            }
            RSAKey key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyID("dev-" + UUID.randomUUID().toString().substring(0, 8)).generate();
            if (file != null) {
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Files.writeString(file, key.toJSONString());
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the file keeps the default permissions
                }
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the dev issuer's key in " + file, e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("the dev issuer's key file " + file + " is unreadable; delete it", e);
        }
    }
}
