package io.drawbridge.access;

import java.util.Optional;

/**
 * The active grant of a holder for a route, as the authorize step asks for it on every refused request: from
 * memory, no I/O ({@link ActiveGrants#find}); empty when there is none or the grants last read are too old.
 */
@FunctionalInterface
public interface GrantLookup {

    Optional<Grant> find(String route, String issuer, String subject);
}
