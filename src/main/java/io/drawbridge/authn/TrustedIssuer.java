package io.drawbridge.authn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.drawbridge.Reason;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.identity.Identity;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One issuer the gateway trusts, verifying that issuer's signed JWTs with a Nimbus {@link DefaultJWTProcessor}:
 * the header's {@code alg} in the allow-list, no {@code crit} header, a signing key ({@code use} absent or
 * {@code sig}) selected by {@code kid} from the issuer's own keys, then the {@link ClaimRules}. Keys come from
 * {@code jwksFile}, else {@code jwksUri}, else the discovery document, fetched lazily (see {@link IssuerKeys}),
 * and weak keys among them are never used ({@link StrongKeys}),
 * so the gateway starts while the issuer is down. Key locations in the token ({@code jku}, {@code x5u},
 * {@code jwk}, {@code x5c}) are ignored. Failures are {@link AuthenticationFailed} with the precise reason.
 */
public final class TrustedIssuer {

    /** Connect and read timeouts of discovery and JWKS fetches, in milliseconds. */
    static final int HTTP_TIMEOUT_MILLIS = 2_000;
    /** The largest discovery document or JWK set read, in bytes. */
    static final int HTTP_SIZE_LIMIT = 256 * 1024;


    private final IssuerConfig config;
    private final Set<JWSAlgorithm> algorithms;
    private final DefaultJWTProcessor<KeyAccess> processor = new DefaultJWTProcessor<>();
    private final IdentityMapper identities;
    private final IssuerKeys keys;
    private final StrongKeys strongKeys;

    public TrustedIssuer(IssuerConfig config) {
        this(config, Clock.systemUTC());
    }

    /**
     * @param clock the time for token validity and key freshness
     * @throws IllegalArgumentException when the configuration is unusable (see {@link IssuersCheck})
     * @throws UncheckedIOException     when {@code jwksFile} cannot be read
     */
    public TrustedIssuer(IssuerConfig config, Clock clock) {
        this.config = config;
        this.algorithms = SigningAlgorithms.accepted(config.algorithms());
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("issuer " + config.name() + " accepts no algorithm this gateway verifies");
        }
        this.identities = new IdentityMapper(config.name(), config.claims());
        // access-token types: JWT, RFC 9068's at+jwt, or none
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
        this.keys = keys(config, clock);
        this.strongKeys = new StrongKeys(config.name(), new JWSVerificationKeySelector<>(algorithms, keys));
        processor.setJWSKeySelector(strongKeys);
        processor.setJWTClaimsSetVerifier(new ClaimRules(config, clock));
    }

    /** The name routes and audit records use. */
    public String name() {
        return config.name();
    }

    /** Whether this issuer's keys are in memory, so its tokens can be verified now. */
    public boolean hasKeys() {
        return keys.hasKeys();
    }

    /** Fetches the keys if there are none yet (blocking; for start-up on a worker thread). */
    public void prefetchKeys() {
        keys.prefetch();
    }

    /** Whether this issuer's keys are due to be fetched again (older than {@code keyCacheTtl}). */
    boolean keysDue() {
        return keys.refreshDue();
    }

    /** Told the {@code kid}s of keys a fetch found gone ({@code ""}: a key without one). */
    void onKeysRemoved(Consumer<Set<String>> listener) {
        keys.onKeysRemoved(listener);
    }

    /** JWKS fetches since start: {succeeded, failed}. */
    public long[] keyFetches() {
        return new long[] {keys.fetchesSucceeded(), keys.fetchesFailed()};
    }

    /** Tokens refused since start because only a weak key (RSA under 2048 bits, EC off the list) matched. */
    public long weakKeyRefusals() {
        return strongKeys.refused();
    }

    /** The exact {@code iss} of this issuer's tokens. */
    public String issuer() {
        return config.issuer();
    }

    /**
     * Verifies with the keys in memory only; never does I/O.
     *
     * @return the identity, or empty when keys must be fetched first (use {@link #verify} on a worker thread)
     * @throws AuthenticationFailed when the token is not acceptable
     */
    public Optional<Identity> verifyWithoutIo(SignedJWT jwt) {
        return verify(jwt, KeyAccess.MEMORY_ONLY);
    }

    /**
     * Verifies, fetching the issuer's keys first when needed (rate-limited); may block for a few seconds.
     *
     * @throws AuthenticationFailed when the token is not acceptable, or the keys are unavailable
     */
    public Identity verify(SignedJWT jwt) {
        return verify(jwt, KeyAccess.MAY_FETCH).orElseThrow(() ->
                new AuthenticationFailed(Reason.ISSUER_UNAVAILABLE, "keys of issuer " + name() + " not fetched"));
    }

    Optional<Identity> verify(SignedJWT jwt, KeyAccess access) {
        JWSHeader header = jwt.getHeader();
        if (!algorithms.contains(header.getAlgorithm())) {
            throw failed(Reason.ALGORITHM_NOT_ALLOWED, "alg " + UnverifiedToken.clip(header.getAlgorithm().getName())
                    + " not accepted; accepted: " + algorithms.stream().map(JWSAlgorithm::getName).sorted().toList());
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw failed(Reason.TOKEN_INVALID, "critical header parameter(s) not understood");
        }
        try {
            JWTClaimsSet claims = processor.process(jwt, access);
            return Optional.of(identities.map(claims));
        } catch (IssuerKeys.KeysNotInMemory e) {
            return Optional.empty();
        } catch (IssuerKeys.KeyUnknown e) {
            throw failed(Reason.KEY_UNKNOWN, e.getMessage() + kid(header));
        } catch (StrongKeys.WeakKey e) {
            throw failed(Reason.KEY_TOO_WEAK, e.getMessage() + kid(header));
        } catch (IssuerKeys.KeysUnavailable e) {
            throw failed(Reason.ISSUER_UNAVAILABLE, e.getMessage());
        } catch (ClaimRules.Rejected e) {
            throw failed(e.reason(), e.getMessage());
        } catch (BadJWSException e) {
            throw failed(Reason.SIGNATURE_INVALID, "signature does not verify" + kid(header));
        } catch (BadJOSEException | JOSEException e) {
            throw failed(Reason.TOKEN_INVALID, e.getMessage());
        }
    }

    private AuthenticationFailed failed(Reason reason, String detail) {
        return new AuthenticationFailed(reason, "issuer " + name() + ": " + detail);
    }

    private static String kid(JWSHeader header) {
        return header.getKeyID() == null ? " (no kid)" : " (kid " + UnverifiedToken.clip(header.getKeyID()) + ")";
    }

    private static IssuerKeys keys(IssuerConfig config, Clock clock) {
        if (config.jwksFile() != null) {
            try {
                return IssuerKeys.fixed(config.name(), JWKSet.load(new File(config.jwksFile())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read jwksFile of issuer " + config.name(), e);
            } catch (ParseException e) {
                throw new IllegalArgumentException("jwksFile of issuer " + config.name() + " is not a JWK set", e);
            }
        }
        ResourceRetriever http = new DefaultResourceRetriever(HTTP_TIMEOUT_MILLIS, HTTP_TIMEOUT_MILLIS, HTTP_SIZE_LIMIT);
        JWKSetSource<KeyAccess> source = config.jwksUri() != null
                ? new URLBasedJWKSetSource<>(url(config.jwksUri()), http)
                : new DiscoveredJwks(url(config.effectiveDiscoveryUri()), config.issuer(), http);
        return IssuerKeys.fetched(config.name(), source, config.keyCacheTtl(), config.keyRefreshRate(), clock);
    }

    private static URL url(String value) {
        try {
            return URI.create(value).toURL();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a URL: " + value, e);
        }
    }
}
