package io.drawbridge.policy;

import io.drawbridge.config.ConfigProblem;
import io.drawbridge.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.drawbridge.policy.PolicyFixtures.config;
import static io.drawbridge.policy.PolicyFixtures.policies;
import static io.drawbridge.policy.PolicyFixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every validation problem, each reported under the field to fix. Policies are written as YAML flow maps. */
class PolicyCompilerTest {

    private static final String P = "policies.p";
    private static final String RULE = P + ".allow[0]";

    static Stream<Arguments> problemsByField() {
        return Stream.of(
                // the policy
                row("public with allow rules", "{p: {public: true, allow: [{users: ['*']}]}}", P + ".public",
                        "cannot have allow or deny rules"),
                row("public with deny rules", "{p: {public: true, deny: [{groups: [x]}]}}", P + ".public",
                        "cannot have allow or deny rules"),
                row("unknown mode", "{p: {mode: shadow, allow: [{users: ['*']}]}}", P + ".mode",
                        "unknown mode 'shadow'; use enforce (the default) or audit-only"),
                row("mode in other case", "{p: {mode: Audit-Only, allow: [{users: ['*']}]}}", P + ".mode",
                        "unknown mode 'Audit-Only'"),
                row("name with upper case", "{Sre: {public: true}}", "policies.Sre", "policy name 'Sre' must be"),
                row("name starting with a dash", "{-sre: {public: true}}", "policies.-sre", "must be lower-case"),
                row("name starting with a dot", "{.sre: {public: true}}", "policies..sre", "must be lower-case"),
                row("name with a space", "{sre only: {public: true}}", "policies.sre only", "must be lower-case"),
                row("name with a slash", "{sre/only: {public: true}}", "policies.sre/only", "must be lower-case"),
                row("empty name", "{'': {public: true}}", "policies.", "must be lower-case"),
                row("empty policy", "{p: }", P, "is empty"),
                // rules
                row("allow rule with no criterion", "{p: {allow: [{name: everyone}]}}", RULE,
                        "names no criterion, so it would allow every request; say whom it is for,"
                                + " e.g. users: [\"*\"] for any signed-in caller"),
                row("deny rule with no criterion", "{p: {allow: [{users: ['*']}], deny: [{}]}}", P + ".deny[0]",
                        "so it would deny every request"),
                row("criteria all empty", "{p: {allow: [{groups: [], paths: []}]}}", RULE, "names no criterion"),
                row("blank rule name", "{p: {allow: [{name: ' ', users: ['*']}]}}", RULE + ".name",
                        "must not be empty; leave it out for the default name allow[0]"),
                row("same rule name twice", "{p: {allow: [{name: a, users: ['*']}], deny: [{name: a, users: [b]}]}}",
                        P + ".deny[0].name", "rule name 'a' is already used by allow[0]"),
                row("configured name equal to a default", "{p: {allow: [{users: [a]}, {name: 'allow[0]', users: [b]}]}}",
                        P + ".allow[1].name", "already used by allow[0]"),
                // methods
                row("unknown method", "{p: {allow: [{methods: [GET, GRAB]}]}}", RULE + ".methods",
                        "unknown HTTP method 'GRAB'"),
                row("star for methods", "{p: {allow: [{methods: ['*']}]}}", RULE + ".methods",
                        "leave methods out to allow any"),
                row("problem in the second rule", "{p: {allow: [{users: ['*']}, {methods: [FETCH]}]}}",
                        P + ".allow[1].methods", "'FETCH'"),
                // paths
                row("path without leading slash", "{p: {allow: [{paths: [api/**]}]}}", RULE + ".paths",
                        "path 'api/**' must start with '/'"),
                row("** in the middle", "{p: {allow: [{paths: [/api/**/x]}]}}", RULE + ".paths",
                        "may use '**' only as its whole last segment"),
                row("** inside a segment", "{p: {allow: [{paths: ['/api**']}]}}", RULE + ".paths",
                        "may use '**' only as its whole last segment"),
                row("*** at the end", "{p: {allow: [{paths: ['/api/***']}]}}", RULE + ".paths",
                        "may use '**' only as its whole last segment"),
                row("** twice", "{p: {allow: [{paths: ['/api/**/**']}]}}", RULE + ".paths",
                        "may use '**' only as its whole last segment"),
                row("* inside a segment", "{p: {allow: [{paths: ['/api/v*']}]}}", RULE + ".paths",
                        "may use '*' only as a whole segment"),
                row("dot-dot", "{p: {allow: [{paths: [/api/../admin]}]}}", RULE + ".paths", "must not contain '..'"),
                row("double slash", "{p: {allow: [{paths: ['/api//x']}]}}", RULE + ".paths", "must not contain '//'"),
                row("percent", "{p: {allow: [{paths: ['/api/%2e']}]}}", RULE + ".paths", "must not contain '%'"),
                row("backslash", "{p: {allow: [{paths: ['/api\\x']}]}}", RULE + ".paths", "must not contain '\\'"),
                row("semicolon", "{p: {allow: [{paths: ['/api;x']}]}}", RULE + ".paths", "must not contain ';'"),
                row("hash", "{p: {allow: [{paths: ['/api#x']}]}}", RULE + ".paths", "must not contain '#'"),
                row("query", "{p: {allow: [{paths: ['/api?x=1']}]}}", RULE + ".paths", "must not contain '?'"),
                row("several bad characters, one problem", "{p: {allow: [{paths: ['/a/..//b']}]}}", RULE + ".paths",
                        "must not contain '..', '//'"),
                // empty values, per list
                row("empty group", "{p: {allow: [{groups: [sre, '']}]}}", RULE + ".groups", "has an empty value"),
                row("empty user", "{p: {allow: [{users: ['']}]}}", RULE + ".users", "has an empty value"),
                row("empty e-mail", "{p: {allow: [{emails: ['']}]}}", RULE + ".emails", "has an empty value"),
                row("empty method", "{p: {allow: [{methods: ['']}]}}", RULE + ".methods", "has an empty value"),
                row("empty path", "{p: {allow: [{paths: ['']}]}}", RULE + ".paths", "has an empty value"),
                row("blank group", "{p: {allow: [{groups: ['  ']}]}}", RULE + ".groups", "has an empty value"),
                row("empty claim value", "{p: {allow: [{claims: {tier: [gold, '']}}]}}", RULE + ".claims.tier",
                        "has an empty value"),
                row("group with spaces", "{p: {allow: [{groups: [' sre']}]}}", RULE + ".groups",
                        "' sre' has spaces around it"),
                // groups
                row("group ref without name", "{p: {allow: [{groups: ['group:']}]}}", RULE + ".groups",
                        "'group:' is not a group entity ref; write group:name or group:namespace/name"),
                row("group ref with two slashes", "{p: {allow: [{groups: ['group:a/b/c']}]}}", RULE + ".groups",
                        "not a group entity ref"),
                row("group ref without namespace", "{p: {allow: [{groups: ['group:/sre']}]}}", RULE + ".groups",
                        "not a group entity ref"),
                row("group ref without name after namespace", "{p: {allow: [{groups: ['group:ops/']}]}}",
                        RULE + ".groups", "not a group entity ref"),
                // users, e-mails, claims
                row("user with a wildcard", "{p: {allow: [{users: ['ali*']}]}}", RULE + ".users",
                        "user 'ali*' has a wildcard"),
                row("e-mail without @", "{p: {allow: [{emails: [alice]}]}}", RULE + ".emails",
                        "'alice' is not an e-mail address"),
                row("e-mail without local part", "{p: {allow: [{emails: ['@example.com']}]}}", RULE + ".emails",
                        "not an e-mail address; write alice@example.com, or *@example.com for a whole domain"),
                row("e-mail without domain", "{p: {allow: [{emails: ['alice@']}]}}", RULE + ".emails",
                        "not an e-mail address"),
                row("e-mail with two @", "{p: {allow: [{emails: ['a@b@example.com']}]}}", RULE + ".emails",
                        "not an e-mail address"),
                row("domain written as a host wildcard", "{p: {allow: [{emails: ['*.example.com']}]}}",
                        RULE + ".emails", "not an e-mail address"),
                row("wildcard subdomain", "{p: {allow: [{emails: ['*@*.example.com']}]}}", RULE + ".emails",
                        "not an e-mail address"),
                row("wildcard in the local part", "{p: {allow: [{emails: ['a*@example.com']}]}}", RULE + ".emails",
                        "not an e-mail address"),
                row("scopes written as one string", "{p: {allow: [{scopes: ['read:x write:x']}]}}",
                        RULE + ".scopes", "'read:x write:x' is not one scope: a scope has no spaces, quotes or"
                                + " backslashes; list each scope on its own"),
                row("scope with a quote", "{p: {allow: [{scopes: ['read\"x']}]}}", RULE + ".scopes",
                        "is not one scope"),
                row("empty scope", "{p: {allow: [{scopes: ['']}]}}", RULE + ".scopes", "has an empty value"),
                row("scope claim written as one string", "{p: {allow: [{claims: {scope: ['read:x write:x']}}]}}",
                        RULE + ".claims.scope", "list each scope on its own"),
                row("claim without values", "{p: {allow: [{claims: {tier: []}}]}}", RULE + ".claims.tier",
                        "lists no value"),
                row("claim with empty name", "{p: {allow: [{claims: {'': [x]}}]}}", RULE + ".claims",
                        "has a claim with an empty name"));
    }

    private static Arguments row(String name, String yaml, String field, String message) {
        return arguments(name, yaml, field, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problemsByField")
    void reportsTheProblemUnderTheFieldToFix(String row, String yaml, String field, String message) {
        List<String> problems = problems(yaml);

        assertThat(problems).singleElement().asString().startsWith(field + ": ").contains(message);
    }

    @Test
    void reportsEveryProblemOfEveryPolicyAtOnce() {
        List<String> problems = problems("""
                Bad: {public: true}
                ok: {allow: [{groups: [sre]}]}
                worse:
                  mode: loud
                  allow:
                    - methods: [GRAB]
                      paths: [api, /x/../y]
                    - {}
                  deny:
                    - emails: [nobody]
                """);

        assertThat(problems).extracting(p -> p.substring(0, p.indexOf(": "))).containsExactly(
                "policies.Bad",
                "policies.worse.mode",
                "policies.worse.allow[0].methods",
                "policies.worse.allow[0].paths",
                "policies.worse.allow[0].paths",
                "policies.worse.allow[1]",
                "policies.worse.deny[0].emails");
    }

    @Test
    void compilesARateLimitAndReportsABadOneByItsField() {
        RoutePolicy limited = PolicyCompiler.compile("p", config("{allow: [{groups: [sre]}], limits: {perUser: 100/m,"
                + " burst: 20}}"), (field, message) -> { throw new AssertionError(field + ": " + message); });
        assertThat(limited.limit()).isEqualTo(new RateLimit(100, java.time.Duration.ofMinutes(1), 20));
        assertThat(PolicyCompiler.compile("q", config("{allow: [{groups: [sre]}]}"), (f, m) -> { }).limit()).isNull();

        List<String> problems = new ArrayList<>();
        RoutePolicy bad = PolicyCompiler.compile("p", config("{allow: [{groups: [sre]}], limits: {perUser: lots}}"),
                (field, message) -> problems.add(field + ": " + message));
        assertThat(problems).containsExactly("policies.p.limits.perUser: must be a number of requests per s, m or h,"
                + " e.g. 100/m, not 'lots'");
        assertThat(bad).isSameAs(RoutePolicy.NONE);
    }

    @Test
    void compilesAPolicyWithAProblemToOneThatDeniesEverything() {
        List<String> problems = new ArrayList<>();

        RoutePolicy policy = PolicyCompiler.compile("p", config("{allow: [{users: ['*']}], deny: [{methods: [GRAB]}]}"),
                (field, message) -> problems.add(field));

        assertThat(problems).containsExactly("policies.p.deny[0].methods");
        assertThat(policy).isSameAs(RoutePolicy.NONE);
    }

    @Test
    void leavesAnInvalidPolicyOutOfTheRegistry() {
        Policies registry = Policies.compile(policies("{good: {public: true}, bad: {mode: loud, public: true}}"),
                (field, message) -> { });

        assertThat(registry.names()).containsExactly("good");
        assertThat(registry.get("bad")).isSameAs(RoutePolicy.NONE);
        assertThat(registry.get("good").isPublic()).isTrue();
    }

    @Test
    void checksThePoliciesOfAGatewayConfiguration() {
        GatewayConfig config = new GatewayConfig(null, null, null,
                policies("{p: {allow: [{paths: [nowhere]}]}, q: {public: true}}"), null, null, null, null, null);
        List<ConfigProblem> problems = new ArrayList<>();

        new PolicyCheck().check(config, (field, message) -> problems.add(new ConfigProblem("drawbridge.yaml", 0,
                field, message)));

        assertThat(problems).extracting(ConfigProblem::field).containsExactly("policies.p.allow[0].paths");
    }

    @Test
    void findsNothingWrongWithValidPolicies() {
        assertThat(problems("""
                open: {public: true}
                trial: {mode: audit-only, allow: [{groups: [sre], methods: [get]}]}
                full:
                  allow:
                    - name: sre
                      groups: [sre, group:ops/sre, "GROUP:Default/DBA"]
                      users: [alice, "*"]
                      emails: ["*@example.com", Bob@Example.com]
                      claims: {tier: [gold, 42, true]}
                      methods: [GET, head, Post, PUT, PATCH, DELETE, OPTIONS, CONNECT, TRACE]
                      paths: [/, /**, /api/*, /api/*/items/**, /docs/]
                  deny:
                    - claims: {suspended: [true]}
                """)).isEmpty();
    }
}
