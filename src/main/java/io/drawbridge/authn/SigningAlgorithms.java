package io.drawbridge.authn;

import com.nimbusds.jose.JWSAlgorithm;
import io.drawbridge.config.IssuerConfig;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which JWS algorithms an issuer's tokens may use: the configured ones that are asymmetric and that this build
 * can verify. {@code none} and the HMAC family are never accepted, whatever the configuration says: with a
 * public key set, an HMAC "secret" is public.
 */
final class SigningAlgorithms {

    /**
     * What Nimbus's {@code DefaultJWSVerifierFactory} verifies with the JDK alone. EdDSA needs Tink and a key
     * selector for OKP keys; ES256K needs a provider with secp256k1.
     */
    static final Set<JWSAlgorithm> VERIFIABLE = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private SigningAlgorithms() {
    }

    /** The configured algorithms this issuer accepts; those that are not acceptable are left out. */
    static Set<JWSAlgorithm> accepted(List<String> configured) {
        Set<JWSAlgorithm> accepted = new LinkedHashSet<>();
        for (String name : configured) {
            JWSAlgorithm alg = JWSAlgorithm.parse(name);
            if (VERIFIABLE.contains(alg)) {
                accepted.add(alg);
            }
        }
        return Set.copyOf(accepted);
    }

    /**
     * What is wrong with configuring this algorithm, or {@code null} when nothing is.
     *
     * @param explicit whether the list was written by the operator rather than taken from the default
     */
    static String problem(String name, boolean explicit) {
        if (name == null || name.isBlank()) {
            return "an algorithm name is required";
        }
        if (name.equalsIgnoreCase("none")) {
            return "'none' (unsigned tokens) is never accepted";
        }
        if (JWSAlgorithm.Family.HMAC_SHA.contains(JWSAlgorithm.parse(name)) || name.toUpperCase().startsWith("HS")) {
            return "'" + name + "' is symmetric: a public key would be the secret; only asymmetric algorithms are accepted";
        }
        if (!IssuerConfig.ASYMMETRIC_ALGORITHMS.contains(name)) {
            return "unknown algorithm '" + name + "'; known: " + String.join(", ", IssuerConfig.ASYMMETRIC_ALGORITHMS);
        }
        if (explicit && !VERIFIABLE.contains(JWSAlgorithm.parse(name))) {
            return "'" + name + "' is not supported yet; use one of RS*, PS*, ES256, ES384, ES512";
        }
        return null;
    }
}
