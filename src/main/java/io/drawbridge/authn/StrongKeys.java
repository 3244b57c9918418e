package io.drawbridge.authn;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.proc.JWSKeySelector;
import java.security.Key;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link JWSKeySelector} that passes on only keys strong enough to trust: RSA of at least 2048 bits, EC on
 * P-256, P-384 or P-521. An issuer's key set that serves a weaker key does not get it used: a token it would
 * verify is refused as {@code key-too-weak}, the key is logged once (per issuer and {@code kid}), and every
 * refusal is counted.
 */
final class StrongKeys implements JWSKeySelector<KeyAccess> {

    static final int MIN_RSA_BITS = 2048;
    static final Set<Curve> CURVES = Set.of(Curve.P_256, Curve.P_384, Curve.P_521);
    private static final Logger LOG = LoggerFactory.getLogger(StrongKeys.class);

    private final String issuer;
    private final JWSKeySelector<KeyAccess> keys;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();

    StrongKeys(String issuer, JWSKeySelector<KeyAccess> keys) {
        this.issuer = issuer;
        this.keys = keys;
    }

    @Override
    public List<? extends Key> selectJWSKeys(JWSHeader header, KeyAccess access) throws KeySourceException {
        List<? extends Key> candidates = keys.selectJWSKeys(header, access);
        List<Key> strong = new ArrayList<>(candidates.size());
        String weakness = null;
        for (Key key : candidates) {
            String why = weakness(key);
            if (why == null) {
                strong.add(key);
            } else {
                weakness = why;
            }
        }
        if (strong.isEmpty() && weakness != null) {
            refused.incrementAndGet();
            String kid = header.getKeyID() == null ? "(no kid)" : UnverifiedToken.clip(header.getKeyID());
            if (logged.size() < 1000 && logged.add(kid)) {
                LOG.warn("Issuer {} serves a weak key {} ({}): tokens it signs are refused", issuer, kid, weakness);
            }
            throw new WeakKey(weakness);
        }
        return strong;
    }

    /** Tokens refused since start because only a weak key would have verified them. */
    long refused() {
        return refused.get();
    }

    /** @return why the key is too weak, or {@code null} when it is strong enough */
    static String weakness(Key key) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits < MIN_RSA_BITS ? "RSA of " + bits + " bits, under " + MIN_RSA_BITS : null;
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            return curve == null || !CURVES.contains(curve)
                    ? "EC curve " + (curve == null ? "unknown" : curve.getName()) + " not in " + CURVES : null;
        }
        return null;
    }

    /** Only a key too weak to trust matches the token. */
    static final class WeakKey extends KeySourceException {
        WeakKey(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
