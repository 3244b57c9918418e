package io.drawbridge.page;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Explanation;
import io.drawbridge.policy.RoutePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.drawbridge.page.PageFixtures.caller;
import static io.drawbridge.page.PageFixtures.explain;
import static io.drawbridge.page.PageFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

/** What a refused person is told, at each explain level, and what they are never told. */
class RefusalPagesTest {

    private static final PageSettings SETTINGS = new PageSettings("Drawbridge", "/oauth2/logout",
            "https://backstage.example.com", id -> null);
    private static final RouteOwner OWNER = new RouteOwner("component:default/grafana", "group:default/sre");
    private static final Identity BOB = caller("bob", "group:default/payments");

    private static RoutePolicy twoGroups(String explain) {
        return policy("grafana", """
                explain: %s
                deny:
                  - name: keep-out
                    groups: [contractors]
                    paths: [/grafana/api/admin/**]
                allow:
                  - name: sre-or-platform
                    groups: ["group:default/sre", "group:default/platform"]
                    claims: {department: [observability]}
                """.formatted(explain));
    }

    private static Page refused(String explain) {
        Explanation explanation = explain(twoGroups(explain), "GET", "/grafana/", BOB);
        return RefusalPages.of(403, explanation.decision().reason(), "req-1", BOB, "grafana", explanation, OWNER,
                SETTINGS);
    }

    @Test
    void aRequirementPageSaysWhatIsAskedWhatTheCallerHasAndWhomToAsk() {
        Page page = refused("requirement");

        assertThat(page.title()).isEqualTo("Access denied");
        assertThat(page.reason()).isEqualTo("This application is for members of group:default/sre or"
                + " group:default/platform, and callers whose sign-in carries a required attribute (claim);"
                + " you are in group:default/payments.");
        assertThat(page.user()).isEqualTo("bob");
        assertThat(page.signOutPath()).isEqualTo("/oauth2/logout");
        assertThat(page.route()).isEqualTo("grafana");
        assertThat(page.requestId()).isEqualTo("req-1");
        assertThat(page.owners()).containsExactly(
                new Page.Owner("group:default/sre", "https://backstage.example.com/catalog/default/group/sre"),
                new Page.Owner("component:default/grafana (the application's catalog entry)",
                        "https://backstage.example.com/catalog/default/component/grafana"));
        assertThat(page.nextSteps()).first().asString().contains("Ask the owners");
        assertThat(String.join(" ", page.details())).doesNotContain("department").doesNotContain("observability")
                .doesNotContain("sre-or-platform").doesNotContain("contractors");
    }

    @Test
    void aFullPageAlsoNamesTheRuleAndTheMissingClaim() {
        Page page = refused("full");

        assertThat(page.details()).contains("Rule sre-or-platform requires claim department in [observability].",
                "Decided by policy grafana (reason: group-missing).");
        assertThat(String.join(" ", page.details())).doesNotContain("contractors").doesNotContain("admin");
    }

    @Test
    void aNonePageShowsOnlyTheRequestId() {
        Page page = refused("none");

        assertThat(page.reason()).isNull();
        assertThat(page.details()).isEmpty();
        assertThat(page.owners()).isEmpty();
        assertThat(page.route()).isNull();
        assertThat(page.requestId()).isEqualTo("req-1");
        String html = HtmlPage.render(page, "Drawbridge");
        assertThat(html).doesNotContain("sre").doesNotContain("grafana").doesNotContain("payments");
    }

    @ParameterizedTest(name = "explain: {0}")
    @ValueSource(strings = {"requirement", "full"})
    void aDenyRuleIsNeverShownFromTheInside(String level) {
        Identity contractor = caller("carl", "contractors", "group:default/sre");
        Explanation explanation = explain(twoGroups(level), "GET", "/grafana/api/admin/users", contractor);

        Page page = RefusalPages.of(403, explanation.decision().reason(), "req-2", contractor, "grafana",
                explanation, OWNER, SETTINGS);

        assertThat(explanation.decision().reason()).isEqualTo(Reason.DENY_RULE_MATCHED);
        assertThat(page.reason()).isEqualTo("A rule of this application's access policy keeps this request out.");
        String all = page.reason() + String.join(" ", page.details());
        assertThat(all).doesNotContain("contractors").doesNotContain("/grafana/api/admin");
        assertThat(all.contains("keep-out")).isEqualTo(level.equals("full"));
    }

    @Test
    void severalAllowRulesAreListedAsWays() {
        RoutePolicy policy = policy("app", """
                allow:
                  - groups: [sre]
                  - users: [alice]
                    methods: [GET]
                """);
        Explanation explanation = explain(policy, "POST", "/", BOB);

        Page page = RefusalPages.of(403, explanation.decision().reason(), "r", BOB, "app", explanation, null,
                SETTINGS);

        assertThat(page.reason()).isEqualTo("This application is for any of these:");
        assertThat(page.details()).containsExactly("members of sre", "the users alice, and the methods GET",
                "What you have: you are in group:default/payments; you are signed in as bob;"
                        + " this request is a POST.");
        assertThat(page.owners()).isEmpty();
        assertThat(page.nextSteps()).first().asString().contains("whoever runs");
    }

    @Test
    void aCallerWithoutGroupsIsToldSo() {
        Identity nobody = caller("bob");
        RoutePolicy policy = policy("sre-only", "allow:\n  - groups: [sre]\n");
        Explanation explanation = explain(policy, "GET", "/", nobody);

        Page page = RefusalPages.of(403, explanation.decision().reason(), "r", nobody, "echo", explanation, null,
                SETTINGS);

        assertThat(page.reason()).isEqualTo("This application is for members of sre; you are in no group.");
    }

    @Test
    void anUnauthenticatedPageHasNoSignOutButtonAndSaysToSignIn() {
        Page page = RefusalPages.of(401, Reason.TOKEN_MISSING, "r", null, "api", null, OWNER, SETTINGS);

        assertThat(page.title()).isEqualTo("Sign-in needed");
        assertThat(page.user()).isNull();
        assertThat(page.signOutPath()).isNull();
        assertThat(page.reason()).isEqualTo("This application needs you to sign in first.");
        assertThat(HtmlPage.render(page, "Drawbridge")).doesNotContain("sign-out");
    }

    @Test
    void noRouteNamesNoOwners() {
        Page page = RefusalPages.of(404, Reason.NO_ROUTE, "r", BOB, null, null, null, SETTINGS);

        assertThat(page.title()).isEqualTo("Nothing here");
        assertThat(page.reason()).isEqualTo("No application is served at this address.");
        assertThat(page.owners()).isEmpty();
    }

    @Test
    void anUpstreamFailureSaysTryAgainAndNeverNamesTheUpstream() {
        Page page = RefusalPages.of(502, Reason.UPSTREAM_UNREACHABLE, "r", BOB, "grafana", null, OWNER, SETTINGS);

        assertThat(page.title()).isEqualTo("The application is not answering");
        assertThat(page.nextSteps()).contains("Try again in a minute.");
        assertThat(page.owners()).extracting(Page.Owner::name).contains("group:default/sre");
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(Reason.class)
    void everyReasonGetsATitleAPlainReasonAndANextStep(Reason reason) {
        int status = io.drawbridge.edge.ErrorResponses.statusFor(reason);
        Page page = RefusalPages.of(status, reason, "r", BOB, "app", null, OWNER, SETTINGS);

        assertThat(page.title()).isNotBlank();
        assertThat(page.reason()).isNotBlank().doesNotContain(reason.code());
        assertThat(page.nextSteps()).isNotEmpty();
        assertThat(page.requestId()).isEqualTo("r");
    }

    @Test
    void withoutAPortalOwnersAreNamedNotLinked() {
        Explanation explanation = explain(twoGroups("requirement"), "GET", "/grafana/", BOB);
        Page page = RefusalPages.of(403, explanation.decision().reason(), "r", BOB, "grafana", explanation, OWNER,
                new PageSettings("Drawbridge", null, null, null));

        assertThat(page.owners()).containsExactly(new Page.Owner("group:default/sre", null));
        assertThat(page.signOutPath()).isNull();
    }
}
