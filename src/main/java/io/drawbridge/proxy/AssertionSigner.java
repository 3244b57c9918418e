package io.drawbridge.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.drawbridge.identity.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the identity assertion the gateway adds to every proxied request ({@code X-Drawbridge-Assertion}, like
 * Google IAP's {@code x-goog-iap-jwt-assertion}): a short-lived ES256 JWT saying who the caller is, for one route
 * (the audience), verifiable with the keys the gateway publishes at {@link #JWKS_PATH}. An upstream that checks it
 * need not trust headers at all. Assertions are reused per caller and route until shortly before they expire,
 * so signing costs nothing on most requests.
 */
public final class AssertionSigner {

    public static final String HEADER = "X-Drawbridge-Assertion";
    public static final String JWKS_PATH = "/.well-known/drawbridge/jwks.json";
    private static final Logger LOG = LoggerFactory.getLogger(AssertionSigner.class);

    private final String issuer;
    private final ECKey key;
    private final ECDSASigner signer;
    private final Duration lifetime;
    private final Clock clock;
    private final Cache<Key, Signed> cache;

    private record Signed(String jwt, Instant renewAt) {
    }

    private record Key(String issuer, String subject, String audience, String user, String email,
                       List<String> groups) {
    }

    /**
     * @param issuer   the {@code iss} of the assertions (the gateway's public URL)
     * @param keyFile  a private EC P-256 JWK, shared by every replica; {@code null}: a key made at startup
     * @param lifetime how long an assertion is valid
     */
    public AssertionSigner(String issuer, Path keyFile, Duration lifetime, Clock clock) {
        this.issuer = issuer;
        this.key = keyFile == null ? generate() : load(keyFile);
        this.lifetime = lifetime;
        this.clock = clock;
        try {
            this.signer = new ECDSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException("the assertion key cannot sign", e);
        }
        this.cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(lifetime)
                .executor(Runnable::run).build();
        if (keyFile == null) {
            LOG.info("Identity assertions are signed with a key made at startup (kid {}); give every replica the "
                    + "same assertion key file for upstreams to verify across restarts and replicas", key.getKeyID());
        }
    }

    /** The public keys upstreams verify assertions with. */
    public JWKSet publicKeys() {
        return new JWKSet(key.toPublicJWK());
    }

    public String issuer() {
        return issuer;
    }

    /** The assertion for this caller on this route: cached, renewed when less than a fifth of its life is left. */
    public String assertionFor(Identity identity, String audience) {
        // A record, not a joined string: groups [a,b] and [a, b] must never share an assertion.
        var cacheKey = new Key(identity.issuer(), identity.subject(), audience, identity.user(), identity.email(),
                List.copyOf(identity.groups()));
        Instant now = clock.instant();
        Signed signed = cache.getIfPresent(cacheKey);
        if (signed == null || !now.isBefore(signed.renewAt())) {
            signed = sign(identity, audience, now);
            cache.put(cacheKey, signed);
        }
        return signed.jwt();
    }

    private Signed sign(Identity identity, String audience, Instant now) {
        Instant expires = now.plus(lifetime);
        var claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(identity.subject())
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .claim("preferred_username", identity.user())
                .claim("email", identity.email())
                .claim("groups", List.copyOf(identity.groups()))
                .claim("idp", identity.issuer())
                .build();
        try {
            var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(signer);
            return new Signed(jwt.serialize(), expires.minus(lifetime.dividedBy(5)));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an identity assertion", e);
        }
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyID("drawbridge-" + UUID.randomUUID().toString().substring(0, 8)).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make an assertion key", e);
        }
    }

    private static ECKey load(Path file) {
        try {
            JWK jwk = JWK.parse(Files.readString(file));
            if (!(jwk instanceof ECKey ec) || !ec.isPrivate() || !Curve.P_256.equals(ec.getCurve())) {
                throw new IllegalArgumentException("the assertion key " + file + " must be a private EC P-256 JWK");
            }
            return ec.getKeyID() != null ? ec : new ECKey.Builder(ec).keyIDFromThumbprint().build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the assertion key " + file, e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalArgumentException("the assertion key " + file + " is not a JWK: " + e.getMessage());
        }
    }
}
