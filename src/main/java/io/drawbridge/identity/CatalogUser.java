package io.drawbridge.identity;

import java.util.Set;

/**
 * A User entity of the catalog, reduced to what enrichment needs.
 *
 * @param ref      e.g. {@code user:default/alice}
 * @param email    {@code spec.profile.email}, or {@code null}
 * @param memberOf the groups the user is directly a member of ({@code memberOf} relations: the User's
 *                 {@code spec.memberOf} and the Groups whose {@code spec.members} name the user), as full refs;
 *                 parents are not included
 */
public record CatalogUser(EntityRef ref, String email, Set<String> memberOf) {

    public CatalogUser {
        memberOf = Set.copyOf(memberOf);
    }
}
