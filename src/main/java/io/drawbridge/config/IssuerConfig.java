package io.drawbridge.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One token issuer the gateway trusts. Keys come, in order of preference, from {@code jwksFile}, {@code jwksUri},
 * or the {@code jwks_uri} of the issuer's discovery document ({@code {issuer}/.well-known/openid-configuration}).
 *
 * @param name            how routes and audit records refer to this issuer; required, unique
 * @param issuer          the exact {@code iss} value of its tokens; required
 * @param discoveryUri    where the discovery document is; default {@code {issuer}/.well-known/openid-configuration}
 * @param jwksUri         the JWKS URL, skipping discovery
 * @param jwksFile        a local JWKS file, for issuers whose keys are distributed out of band
 * @param audiences       accepted {@code aud} values; at least one is required (a token must name one of them)
 * @param algorithms      accepted JWS algorithms; default the asymmetric ones (RS*, PS*, ES*), never HS* or none
 * @param clockSkew       tolerance on {@code exp} and {@code nbf}; default 30s
 * @param keyRefreshRate  the least time between two JWKS fetches caused by an unknown {@code kid}; default 30s
 * @param keyCacheTtl     how long fetched keys are used before they are fetched again; default 5m
 * @param claims          which claims hold the user name, e-mail and groups
 * @param maxTokenLifetime the longest a token may be valid, from its {@code nbf} (else {@code iat}, else now) to
 *                        its {@code exp}; default 24h. Catches an {@code exp} in milliseconds or a thousand years
 *                        away, which no issuer means
 * @param authorizedParties OAuth clients ({@code azp}) whose tokens with several audiences are accepted besides
 *                        the {@code audiences} themselves; default none (the sign-in's {@code login.clientId} is
 *                        always one for its issuer). A token with one audience is not affected
 */
public record IssuerConfig(
        String name,
        String issuer,
        String discoveryUri,
        String jwksUri,
        String jwksFile,
        List<String> audiences,
        List<String> algorithms,
        Duration clockSkew,
        Duration keyRefreshRate,
        Duration keyCacheTtl,
        ClaimNames claims,
        Duration maxTokenLifetime,
        List<String> authorizedParties) {

    public static final List<String> ASYMMETRIC_ALGORITHMS = List.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

    public IssuerConfig {
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        algorithms = algorithms == null ? ASYMMETRIC_ALGORITHMS : List.copyOf(algorithms);
        clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
        keyRefreshRate = keyRefreshRate == null ? Duration.ofSeconds(30) : keyRefreshRate;
        keyCacheTtl = keyCacheTtl == null ? Duration.ofMinutes(5) : keyCacheTtl;
        claims = claims == null ? ClaimNames.defaults() : claims;
        maxTokenLifetime = maxTokenLifetime == null ? Duration.ofHours(24) : maxTokenLifetime;
        authorizedParties = authorizedParties == null ? List.of() : List.copyOf(authorizedParties);
    }

    public IssuerConfig(String name, String issuer, String discoveryUri, String jwksUri, String jwksFile,
                        List<String> audiences, List<String> algorithms, Duration clockSkew,
                        Duration keyRefreshRate, Duration keyCacheTtl, ClaimNames claims) {
        this(name, issuer, discoveryUri, jwksUri, jwksFile, audiences, algorithms, clockSkew, keyRefreshRate,
                keyCacheTtl, claims, null, null);
    }

    /** This issuer with one more authorized party (the gateway's own sign-in client, whose tokens it verifies). */
    public IssuerConfig withAuthorizedParty(String clientId) {
        if (clientId == null || authorizedParties.contains(clientId)) {
            return this;
        }
        var parties = new ArrayList<>(authorizedParties);
        parties.add(clientId);
        return new IssuerConfig(name, issuer, discoveryUri, jwksUri, jwksFile, audiences, algorithms, clockSkew,
                keyRefreshRate, keyCacheTtl, claims, maxTokenLifetime, parties);
    }

    /** The discovery document's URL, explicit or derived from the issuer. */
    public String effectiveDiscoveryUri() {
        if (discoveryUri != null) {
            return discoveryUri;
        }
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return base + "/.well-known/openid-configuration";
    }

    /**
     * @param user   claim with the user name; default {@code preferred_username} (falls back to {@code sub})
     * @param email  claim with the e-mail address; default {@code email}
     * @param groups claim with the groups, a list or a space-separated string; default {@code groups}
     */
    public record ClaimNames(String user, String email, String groups) {
        public ClaimNames {
            user = user == null ? "preferred_username" : user;
            email = email == null ? "email" : email;
            groups = groups == null ? "groups" : groups;
        }

        public static ClaimNames defaults() {
            return new ClaimNames(null, null, null);
        }
    }
}
