package io.drawbridge.identity;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who made the request, as established by authentication and enriched by role sources.
 * Humans and machines (client-credentials tokens) are the same shape and go through the same policies.
 *
 * @param subject   the token's {@code sub}: stable, unique within the issuer
 * @param user      the display user name ({@code preferred_username} by default, else {@code sub})
 * @param email     the e-mail claim, or {@code null}
 * @param groups    groups and roles: from the token's groups claim, plus catalog group refs once enriched
 * @param issuer    the name of the trusted issuer that vouched for this identity (from configuration)
 * @param clientId  the OAuth client the token was issued to ({@code azp} or {@code client_id}), or {@code null}
 * @param claims    all verified claims, for claim-based rules; never logged or audited whole
 * @param expiresAt when the credential stops being valid, or {@code null}
 */
public record Identity(
        String subject,
        String user,
        String email,
        Set<String> groups,
        String issuer,
        String clientId,
        Map<String, Object> claims,
        Instant expiresAt) {

    public Identity {
        groups = groups == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(groups));
        claims = claims == null ? Map.of() : Map.copyOf(claims);
    }

    /**
     * The e-mail as {@code emails} rules see it: {@code null} when there is none or the issuer says it is
     * unverified ({@code email_verified: false}, or the string {@code "false"}): anyone can type an address.
     */
    public String verifiedEmail() {
        Object verified = claims.get("email_verified");
        return Boolean.FALSE.equals(verified) || "false".equals(verified) ? null : email;
    }

    /** A copy with more groups, as role sources add them. */
    public Identity withGroups(Set<String> more) {
        var all = new LinkedHashSet<>(groups);
        all.addAll(more);
        return new Identity(subject, user, email, all, issuer, clientId, claims, expiresAt);
    }
}
