package io.drawbridge.authn;

import com.nimbusds.jwt.JWTClaimsSet;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.identity.Identity;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns one issuer's verified claims into an {@link Identity}, using the claim names it is configured with.
 * Humans and machines (client-credentials tokens, with no user name and often no e-mail) map the same way.
 *
 * <ul>
 *   <li>user: the user claim ({@code preferred_username}) when it is a non-blank string, else {@code sub}</li>
 *   <li>email: the e-mail claim when it is a string, else {@code null}</li>
 *   <li>groups: the groups claim, a JSON array of strings or a space- or comma-separated string; when no claim
 *       has that exact name and it contains dots, it is read as a path into nested objects
 *       ({@code realm_access.roles} for Keycloak)</li>
 *   <li>clientId: {@code azp}, else {@code client_id}</li>
 * </ul>
 */
public final class IdentityMapper {

    private static final Pattern SEPARATORS = Pattern.compile("[\\s,]+");

    private final String issuerName;
    private final IssuerConfig.ClaimNames names;

    public IdentityMapper(String issuerName, IssuerConfig.ClaimNames names) {
        this.issuerName = issuerName;
        this.names = names;
    }

    /** @param claims verified claims: this reads them, it does not check them */
    public Identity map(JWTClaimsSet claims) {
        String subject = claims.getSubject();
        String user = nonBlankString(claims.getClaim(names.user()));
        return new Identity(
                subject,
                user != null ? user : subject,
                nonBlankString(claims.getClaim(names.email())),
                groups(claims),
                issuerName,
                firstString(claims, "azp", "client_id"),
                claims.toJSONObject(false), // dates as epoch seconds, as in the token; no null values
                claims.getExpirationTime() == null ? null : claims.getExpirationTime().toInstant());
    }

    private Set<String> groups(JWTClaimsSet claims) {
        Object value = claims.getClaim(names.groups());
        if (value == null && names.groups().contains(".")) {
            value = atPath(claims.getClaims(), names.groups().split("\\."));
        }
        Set<String> groups = new LinkedHashSet<>();
        if (value instanceof String s) {
            for (String group : SEPARATORS.split(s.trim())) {
                if (!group.isEmpty()) {
                    groups.add(group);
                }
            }
        } else if (value instanceof Collection<?> list) {
            for (Object group : list) {
                if (group instanceof String s && !s.isBlank()) {
                    groups.add(s);
                }
            }
        }
        return groups;
    }

    private static Object atPath(Map<String, Object> claims, String[] path) {
        Object current = claims;
        for (String step : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(step);
        }
        return current;
    }

    private static String firstString(JWTClaimsSet claims, String... names) {
        for (String name : names) {
            String value = nonBlankString(claims.getClaim(name));
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static String nonBlankString(Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
    }
}
