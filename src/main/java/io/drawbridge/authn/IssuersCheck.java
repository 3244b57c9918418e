package io.drawbridge.authn;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.drawbridge.config.ConfigCheck;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.config.Problems;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the {@code issuers} section: each issuer has a unique name, a unique absolute http(s) {@code issuer},
 * at least one audience, only known asymmetric algorithms (never {@code none} or HS*), at most one of
 * {@code jwksFile} and {@code jwksUri}, a {@code jwksFile} that is a readable JWK set of public keys, http(s)
 * URLs, and positive durations (a zero clock skew is allowed). A relative {@code jwksFile} is resolved against
 * the working directory, as {@link TrustedIssuer} does.
 */
public final class IssuersCheck implements ConfigCheck {

    @Override
    public void check(GatewayConfig config, Problems problems) {
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> issuers = new HashMap<>();
        List<IssuerConfig> all = config.issuers();
        for (int i = 0; i < all.size(); i++) {
            IssuerConfig issuer = all.get(i);
            String at = "issuers[" + i + "]";
            if (isBlank(issuer.name())) {
                problems.add(at + ".name", "a name is required");
            } else if (names.putIfAbsent(issuer.name(), i) != null) {
                problems.add(at + ".name", "'" + issuer.name() + "' is already the name of issuers[" + names.get(issuer.name()) + "]");
            }
            if (isBlank(issuer.issuer())) {
                problems.add(at + ".issuer", "the issuer's exact 'iss' value is required");
            } else {
                checkUrl(issuer.issuer(), at + ".issuer", problems);
                if (issuers.putIfAbsent(issuer.issuer(), i) != null) {
                    problems.add(at + ".issuer", "same issuer as issuers[" + issuers.get(issuer.issuer()) + "]");
                }
            }
            checkAudiences(issuer, at, problems);
            checkAlgorithms(issuer, at, problems);
            checkKeys(issuer, at, problems);
            checkDuration(issuer.clockSkew(), true, at + ".clockSkew", problems);
            checkDuration(issuer.keyRefreshRate(), false, at + ".keyRefreshRate", problems);
            checkDuration(issuer.keyCacheTtl(), false, at + ".keyCacheTtl", problems);
            checkDuration(issuer.maxTokenLifetime(), false, at + ".maxTokenLifetime", problems);
            for (int j = 0; j < issuer.authorizedParties().size(); j++) {
                if (isBlank(issuer.authorizedParties().get(j))) {
                    problems.add(at + ".authorizedParties[" + j + "]", "a client id must not be blank");
                }
            }
        }
    }

    private static void checkAudiences(IssuerConfig issuer, String at, Problems problems) {
        if (issuer.audiences().isEmpty()) {
            problems.add(at + ".audiences", "at least one audience is required: tokens must be meant for this gateway");
        }
        for (int j = 0; j < issuer.audiences().size(); j++) {
            if (isBlank(issuer.audiences().get(j))) {
                problems.add(at + ".audiences[" + j + "]", "an audience must not be blank");
            }
        }
    }

    private static void checkAlgorithms(IssuerConfig issuer, String at, Problems problems) {
        List<String> algorithms = issuer.algorithms();
        if (algorithms.isEmpty()) {
            problems.add(at + ".algorithms", "at least one algorithm is required; omit the field for the default");
        }
        boolean explicit = !algorithms.equals(IssuerConfig.ASYMMETRIC_ALGORITHMS);
        for (int j = 0; j < algorithms.size(); j++) {
            String problem = SigningAlgorithms.problem(algorithms.get(j), explicit);
            if (problem != null) {
                problems.add(at + ".algorithms[" + j + "]", problem);
            }
        }
    }

    private static void checkKeys(IssuerConfig issuer, String at, Problems problems) {
        if (issuer.jwksFile() != null && issuer.jwksUri() != null) {
            problems.add(at + ".jwksUri", "give jwksFile or jwksUri, not both");
        }
        if (issuer.jwksUri() != null) {
            checkUrl(issuer.jwksUri(), at + ".jwksUri", problems);
        }
        if (issuer.discoveryUri() != null) {
            checkUrl(issuer.discoveryUri(), at + ".discoveryUri", problems);
        }
        if (issuer.jwksFile() != null) {
            checkJwksFile(issuer.jwksFile(), at + ".jwksFile", problems);
        }
    }

    private static void checkJwksFile(String path, String field, Problems problems) {
        JWKSet keys;
        try {
            keys = JWKSet.load(new File(path));
        } catch (IOException e) {
            problems.add(field, "cannot read " + path + ": " + e.getMessage());
            return;
        } catch (ParseException e) {
            problems.add(field, path + " is not a JWK set: " + e.getMessage());
            return;
        }
        if (keys.isEmpty()) {
            problems.add(field, path + " has no keys");
        }
        for (JWK key : keys.getKeys()) {
            if (key.isPrivate()) {
                problems.add(field, path + " holds a private or symmetric key (kid " + key.getKeyID()
                        + "); give the issuer's public keys only");
            }
        }
    }

    private static void checkUrl(String value, String field, Problems problems) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (!uri.isAbsolute() || uri.getHost() == null
                    || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
                problems.add(field, "'" + value + "' is not an absolute http(s) URL");
            }
        } catch (Exception e) {
            problems.add(field, "'" + value + "' is not a URL: " + e.getMessage());
        }
    }

    private static void checkDuration(Duration value, boolean zeroAllowed, String field, Problems problems) {
        if (value.isNegative() || (!zeroAllowed && value.isZero())) {
            problems.add(field, "must be " + (zeroAllowed ? "zero or positive" : "positive") + ", not " + value);
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
