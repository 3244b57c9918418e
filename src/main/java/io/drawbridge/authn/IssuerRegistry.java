package io.drawbridge.authn;

import io.drawbridge.Reason;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.identity.Identity;
import java.time.Clock;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * All trusted issuers. A token is routed by its (unverified) {@code iss} to the one issuer with exactly that
 * {@code iss}, and verified with that issuer's keys and rules only; a route may narrow the accepted issuers by
 * name. Verified tokens are remembered in {@link VerifiedTokens}.
 *
 * <p>Order of rejections: no token, too long, cached identity from an issuer the route does not accept,
 * malformed, unsecured or encrypted, unknown issuer, issuer not accepted by the route, then the issuer's own.
 */
public final class IssuerRegistry implements TokenVerifier {

    private final Map<String, TrustedIssuer> byIss = new LinkedHashMap<>();
    private final Map<String, TrustedIssuer> byName = new LinkedHashMap<>();
    private final Set<String> names = new LinkedHashSet<>();
    private final VerifiedTokens verified;

    /** @throws IllegalArgumentException when two issuers share a name or an {@code iss} */
    public IssuerRegistry(List<TrustedIssuer> issuers, VerifiedTokens verified) {
        for (TrustedIssuer issuer : issuers) {
            if (!names.add(issuer.name())) {
                throw new IllegalArgumentException("two issuers named " + issuer.name());
            }
            if (byIss.putIfAbsent(issuer.issuer(), issuer) != null) {
                throw new IllegalArgumentException("two issuers with iss " + issuer.issuer());
            }
            byName.put(issuer.name(), issuer);
            // a key pulled from the JWKS (compromised, say) stops the tokens verified with it at once
            issuer.onKeysRemoved(kids -> verified.forget(issuer.name(), kids));
        }
        this.verified = verified;
    }

    /** The registry of the configured issuers, with the default verified-token cache. */
    public static IssuerRegistry of(List<IssuerConfig> configs) {
        Clock clock = Clock.systemUTC();
        return new IssuerRegistry(configs.stream().map(c -> new TrustedIssuer(c, clock)).toList(),
                new VerifiedTokens(VerifiedTokens.DEFAULT_MAX_SIZE, clock));
    }

    /** The names of the trusted issuers, for checking the names routes refer to. */
    /** The trusted issuers, for readiness and metrics. */
    public Collection<TrustedIssuer> issuers() {
        return Collections.unmodifiableCollection(byIss.values());
    }

    /** The verified-token cache, for metrics. */
    public VerifiedTokens verifiedTokens() {
        return verified;
    }

    public Set<String> names() {
        return Set.copyOf(names);
    }

    @Override
    public Optional<Identity> verifyWithoutIo(String token, Set<String> allowedIssuers) {
        return verify(token, allowedIssuers, KeyAccess.MEMORY_ONLY);
    }

    @Override
    public Identity verify(String token, Set<String> allowedIssuers) {
        return verify(token, allowedIssuers, KeyAccess.MAY_FETCH).orElseThrow(() ->
                new AuthenticationFailed(Reason.ISSUER_UNAVAILABLE, "issuer keys not fetched"));
    }

    private Optional<Identity> verify(String token, Set<String> allowedIssuers, KeyAccess access) {
        if (token == null || token.isBlank()) {
            throw new AuthenticationFailed(Reason.TOKEN_MISSING, "no bearer token");
        }
        UnverifiedToken.requireReasonableLength(token);
        String key = VerifiedTokens.key(token);
        Optional<Identity> cached = verified.get(key);
        if (cached.isPresent()) {
            requireAllowed(cached.get().issuer(), allowedIssuers);
            TrustedIssuer from = byName.get(cached.get().issuer());
            if (from == null || !from.keysDue()) {
                return cached;
            }
            // the keys are due: verify again, which fetches them, so that a key pulled since is noticed
        }
        long generation = verified.generation();
        UnverifiedToken unverified = UnverifiedToken.parse(token);
        TrustedIssuer issuer = byIss.get(unverified.issuer());
        if (issuer == null) {
            throw new AuthenticationFailed(Reason.ISSUER_UNKNOWN,
                    "no trusted issuer has iss '" + UnverifiedToken.clip(unverified.issuer()) + "'");
        }
        requireAllowed(issuer.name(), allowedIssuers);
        Optional<Identity> identity = issuer.verify(unverified.jwt(), access);
        identity.ifPresent(id -> verified.put(key, id, unverified.jwt().getHeader().getKeyID(), generation));
        return identity;
    }

    private static void requireAllowed(String issuerName, Set<String> allowedIssuers) {
        if (allowedIssuers != null && !allowedIssuers.contains(issuerName)) {
            throw new AuthenticationFailed(Reason.ISSUER_NOT_ALLOWED,
                    "issuer " + issuerName + " not accepted on this route; accepted: " + allowedIssuers);
        }
    }
}
