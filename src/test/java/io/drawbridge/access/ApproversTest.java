package io.drawbridge.access;

import io.drawbridge.config.PolicyConfig;
import io.drawbridge.identity.Catalog;
import io.drawbridge.identity.CatalogRoleSource;
import io.drawbridge.identity.CatalogUser;
import io.drawbridge.identity.EntityRef;
import io.drawbridge.identity.Identity;
import io.drawbridge.identity.RoutedEntity;
import io.drawbridge.policy.Policies;
import io.drawbridge.policy.Requestable;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who approves, from a catalog that can change between two calls: owners of the route's entity (group members,
 * sub-groups included, or the owning user), listed groups and users; every answer read afresh.
 */
class ApproversTest {

    /** A catalog in memory the test edits: users' direct groups, group parents, route entities. */
    static final class EditableCatalog implements Catalog {
        final Map<String, Set<String>> memberOf = new HashMap<>();
        final Map<String, Set<String>> parents = new HashMap<>();
        volatile List<RoutedEntity> entities = List.of();

        @Override
        public Optional<CatalogUser> userByEmail(String email) {
            String name = email.substring(0, email.indexOf('@'));
            Set<String> groups = memberOf.get(name);
            return groups == null ? Optional.empty()
                    : Optional.of(new CatalogUser(new EntityRef("user", "default", name), email, groups));
        }

        @Override
        public Optional<CatalogUser> userByName(String name) {
            return Optional.empty();
        }

        @Override
        public Map<String, Set<String>> parentsOf(Set<String> groupRefs) {
            Map<String, Set<String>> found = new HashMap<>();
            groupRefs.forEach(g -> found.put(g, parents.getOrDefault(g, Set.of())));
            return found;
        }

        @Override
        public List<RoutedEntity> routedEntities() {
            return entities;
        }
    }

    private final EditableCatalog catalog = new EditableCatalog();
    private final Approvers approvers = new Approvers(catalog, new CatalogRoleSource(catalog,
            new CatalogRoleSource.Options(CatalogRoleSource.Match.EMAIL, null, Duration.ofMinutes(5),
                    Duration.ofMinutes(10), CatalogRoleSource.UnknownUser.CLAIMS_ONLY, 100, Duration.ofSeconds(5)),
            Runnable::run, Clock.systemUTC()));

    private static Identity person(String name, String... tokenGroups) {
        return new Identity(name + "-id", name, name + "@example.com", Set.of(tokenGroups), "test", null, Map.of(),
                null);
    }

    private static Requestable requestable(String... approvers) {
        var config = new PolicyConfig(null, null, List.of(new PolicyConfig.RuleConfig(null, List.of("x"), null, null,
                null, null, null)), null, null, null, new PolicyConfig.RequestConfig(List.of(approvers), null, null,
                null, null, null, null));
        return Policies.compile(Map.of("p", config), (f, m) -> {
            throw new AssertionError(f + ": " + m);
        }).get("p").requestable();
    }

    private void grafanaOwnedBy(String owner) {
        catalog.entities = List.of(new RoutedEntity("component:default/grafana",
                Map.of(RoutedEntity.OWNED_ROUTES, "grafana, loki"), owner, Set.of()));
    }

    @Test
    void membersOfTheOwningGroupApproveAndLeavingItEndsThatAtOnce() {
        grafanaOwnedBy("group:default/sre");
        catalog.memberOf.put("alice", Set.of("group:default/sre"));

        assertThat(approvers.caller(person("alice")).mayApprove("grafana", requestable("owners"))).isTrue();
        catalog.memberOf.put("alice", Set.of("group:default/sales"));
        assertThat(approvers.caller(person("alice")).mayApprove("grafana", requestable("owners"))).isFalse();
    }

    @Test
    void membersOfASubGroupOfTheOwnerApprove() {
        grafanaOwnedBy("group:default/platform");
        catalog.memberOf.put("carol", Set.of("group:default/sre"));
        catalog.parents.put("group:default/sre", Set.of("group:default/platform"));

        assertThat(approvers.caller(person("carol")).mayApprove("loki", requestable("owners"))).isTrue();
    }

    @Test
    void anOwningUserApprovesAndNobodyElse() {
        grafanaOwnedBy("user:default/dan");
        catalog.memberOf.put("dan", Set.of());
        catalog.memberOf.put("erin", Set.of("group:default/sre"));

        assertThat(approvers.caller(person("dan")).mayApprove("grafana", requestable("owners"))).isTrue();
        assertThat(approvers.caller(person("erin")).mayApprove("grafana", requestable("owners"))).isFalse();
    }

    @Test
    void aRouteNoEntityClaimsHasNoOwners() {
        grafanaOwnedBy("group:default/sre");
        catalog.memberOf.put("alice", Set.of("group:default/sre"));

        assertThat(approvers.caller(person("alice")).mayApprove("kibana", requestable("owners"))).isFalse();
    }

    @Test
    void listedGroupsAndUsersApprove() {
        catalog.memberOf.put("alice", Set.of("group:default/security"));
        catalog.memberOf.put("bob", Set.of());
        Requestable request = requestable("group:default/security", "user:default/bob");

        assertThat(approvers.caller(person("alice")).mayApprove("any", request)).isTrue();
        assertThat(approvers.caller(person("bob")).mayApprove("any", request)).isTrue();
        assertThat(approvers.caller(person("mallory")).mayApprove("any", request)).isFalse();
    }

    @Test
    void withoutACatalogTheTokensGroupsAndTheUserNameCount() {
        var plain = new Approvers(null, null);
        Requestable request = requestable("group:default/sre", "user:default/bob");

        assertThat(plain.caller(person("alice", "group:default/sre")).mayApprove("x", request)).isTrue();
        assertThat(plain.caller(person("bob")).mayApprove("x", request)).isTrue();
        assertThat(plain.caller(person("carol", "sre")).mayApprove("x", request)).isFalse();
        assertThat(plain.caller(person("carol")).mayApprove("x", requestable("owners"))).isFalse();
    }
}
