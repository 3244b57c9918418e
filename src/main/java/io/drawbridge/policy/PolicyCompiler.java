package io.drawbridge.policy;

import io.drawbridge.config.PolicyConfig;
import io.drawbridge.config.PolicyConfig.RuleConfig;
import io.drawbridge.config.Problems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Compiles a {@link PolicyConfig} into a {@link RoutePolicy}, reporting every problem it finds, under field paths
 * such as {@code policies.sre-only.allow[0].methods}, instead of stopping at the first.
 */
public final class PolicyCompiler {

    /** The default mode: decisions stop the requests they deny. */
    public static final String ENFORCE = "enforce";
    /** Decisions are made and audited, but every request goes through ({@code Decision.enforced()} is false). */
    public static final String AUDIT_ONLY = "audit-only";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private PolicyCompiler() {
    }

    /** A criterion's compiler: reports its own syntax problems and then returns {@code null}. */
    private interface CriterionCompiler {
        Criterion compile(List<String> values, String field, Problems problems);
    }

    /**
     * @return the compiled policy, or {@link RoutePolicy#NONE} (which denies everything) when any problem was
     *         reported: a policy with a rule left out could let in someone it should not
     */
    public static RoutePolicy compile(String name, PolicyConfig config, Problems problems) {
        int[] found = {0};
        Problems counted = (field, message) -> {
            found[0]++;
            problems.add(field, message);
        };
        String field = "policies." + name;
        if (name == null || !NAME.matcher(name).matches()) {
            counted.add(field, "policy name '" + name + "' must be lower-case letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
        }
        if (config == null) {
            counted.add(field, "is empty; write public: true, or allow rules");
            return RoutePolicy.NONE;
        }
        boolean enforced = !AUDIT_ONLY.equals(config.mode());
        if (!ENFORCE.equals(config.mode()) && !AUDIT_ONLY.equals(config.mode())) {
            counted.add(field + ".mode", "unknown mode '" + config.mode() + "'; use enforce (the default) or audit-only");
        }
        Explain explain = Explain.parse(config.explain());
        if (explain == null) {
            counted.add(field + ".explain", "unknown level '" + config.explain() + "'; use none, requirement (the"
                    + " default) or full");
        }
        boolean isPublic = Boolean.TRUE.equals(config.isPublic());
        if (isPublic && (!config.allow().isEmpty() || !config.deny().isEmpty())) {
            counted.add(field + ".public", "a public policy lets everyone in without signing in, so it cannot have"
                    + " allow or deny rules; remove them, or remove public: true");
        }
        Map<String, String> names = new HashMap<>();
        List<Rule> allow = rules("allow", config.allow(), name, enforced, field, names, counted);
        List<Rule> deny = rules("deny", config.deny(), name, enforced, field, names, counted);
        RateLimit limit = null;
        if (config.limits() != null) {
            try {
                limit = RateLimit.parse(config.limits().perUser(), config.limits().burst());
            } catch (IllegalArgumentException e) {
                counted.add(field + (e.getMessage().startsWith("burst") ? ".limits.burst" : ".limits.perUser"),
                        e.getMessage());
            }
        }
        Requestable request = null;
        if (config.request() != null) {
            if (isPublic) {
                counted.add(field + ".request", "a public policy lets everyone in already; remove request");
            } else {
                request = request(config.request(), config.allow(), name, enforced, field + ".request", counted);
            }
        }
        if (found[0] > 0) {
            return RoutePolicy.NONE;
        }
        RoutePolicy policy = isPublic ? RoutePolicy.open(name, enforced)
                : RoutePolicy.of(name, enforced, allow, deny, explain);
        policy = request == null ? policy : policy.requestableAs(request);
        return limit == null ? policy : policy.limitedTo(limit);
    }

    private static final Pattern APPROVER = Pattern.compile("(group|user):[a-z0-9._-]+/[a-z0-9._-]+");
    private static final Pattern ENTITY = Pattern.compile("[a-z0-9._-]+:[a-z0-9._-]+/[a-z0-9._-]+");

    /**
     * The {@code request} section: approvers, durations, and what a grant admits: the requestable rule it names
     * ({@code methods}, {@code paths}), or else what each allow rule would give a member (its methods, paths and
     * MCP criteria, without the identity criteria a grant stands in for).
     */
    private static Requestable request(PolicyConfig.RequestConfig config, List<RuleConfig> allow, String policy,
                                       boolean enforced, String field, Problems problems) {
        List<String> approvers = new ArrayList<>();
        if (config.approvers().isEmpty()) {
            problems.add(field + ".approvers", "lists nobody; name owners, group:default/<name> or"
                    + " user:default/<name>");
        }
        for (int i = 0; i < config.approvers().size(); i++) {
            String value = config.approvers().get(i);
            String lower = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
            if (!lower.equals(Requestable.OWNERS) && !APPROVER.matcher(lower).matches()) {
                problems.add(field + ".approvers[" + i + "]", "'" + value + "' is not owners, group:<namespace>/<name>"
                        + " or user:<namespace>/<name>");
            } else {
                approvers.add(lower);
            }
        }
        if (config.maxDuration().isNegative() || config.maxDuration().isZero()) {
            problems.add(field + ".maxDuration", "must be longer than zero");
        }
        if (config.defaultDuration().isNegative() || config.defaultDuration().isZero()) {
            problems.add(field + ".defaultDuration", "must be longer than zero");
        } else if (config.defaultDuration().compareTo(config.maxDuration()) > 0) {
            problems.add(field + ".defaultDuration", "is longer than maxDuration (" + config.maxDuration() + ")");
        }
        if (!config.reason().equals("required") && !config.reason().equals("optional")) {
            problems.add(field + ".reason", "must be required or optional, not '" + config.reason() + "'");
        }
        if (config.catalog() != null && !ENTITY.matcher(config.catalog()).matches()) {
            problems.add(field + ".catalog", "'" + config.catalog() + "' is not an entity ref such as"
                    + " component:default/grafana (lower case)");
        }
        List<Rule> scope = new ArrayList<>();
        if (!config.methods().isEmpty() || !config.paths().isEmpty()) {
            Rule rule = rule("request", false, new RuleConfig("request", null, null, null, null, config.methods(),
                    config.paths()), policy, enforced, field, problems);
            if (rule != null) {
                scope.add(rule);
            }
        } else {
            for (int i = 0; i < allow.size(); i++) {
                RuleConfig rule = allow.get(i);
                if (rule == null) {
                    continue;
                }
                String name = rule.name() == null ? "allow[" + i + "]" : rule.name();
                var what = new RuleConfig(name, null, null, null, null, rule.methods(), rule.paths(), null,
                        rule.mcpMethods(), rule.mcpTools());
                boolean any = what.methods().isEmpty() && what.paths().isEmpty() && what.mcpMethods().isEmpty()
                        && what.mcpTools().isEmpty();
                Rule compiled = any ? new Rule(name, List.of(), false, policy, enforced)
                        : rule(name, false, what, policy, enforced, field, (f, m) -> { }); // reported by the rule
                if (compiled != null) {
                    scope.add(compiled);
                }
            }
            if (allow.isEmpty()) {
                problems.add(field, "the policy has no allow rule to take what a grant admits from; name methods"
                        + " or paths here");
            }
        }
        return new Requestable(approvers, config.maxDuration(), config.defaultDuration(),
                config.reason().equals("required"), config.catalog(), scope);
    }

    private static List<Rule> rules(String kind, List<RuleConfig> configs, String policy, boolean enforced,
                                    String policyField, Map<String, String> names, Problems problems) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            String position = kind + "[" + i + "]";
            String field = policyField + "." + position;
            RuleConfig config = configs.get(i);
            if (config == null) {
                problems.add(field, "is empty; write users: [\"*\"] for any signed-in caller");
                continue;
            }
            String name = config.name() == null ? position : config.name();
            if (name.isBlank()) {
                problems.add(field + ".name", "must not be empty; leave it out for the default name " + position);
            } else if (names.putIfAbsent(name, position) != null) {
                problems.add(field + ".name", "rule name '" + name + "' is already used by " + names.get(name)
                        + "; audit records could not tell them apart");
            }
            Rule rule = rule(name, kind.equals("deny"), config, policy, enforced, field, problems);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return rules;
    }

    private static Rule rule(String name, boolean deny, RuleConfig config, String policy, boolean enforced,
                             String field, Problems problems) {
        if (config.groups().isEmpty() && config.users().isEmpty() && config.emails().isEmpty()
                && config.claims().isEmpty() && config.scopes().isEmpty() && config.methods().isEmpty()
                && config.paths().isEmpty() && config.mcpMethods().isEmpty() && config.mcpTools().isEmpty()) {
            problems.add(field, "names no criterion, so it would " + (deny ? "deny" : "allow") + " every request;"
                    + " say whom it is for, e.g. users: [\"*\"] for any signed-in caller");
            return null;
        }
        List<Criterion> criteria = new ArrayList<>();
        boolean valid = add(criteria, config.groups(), field + ".groups", problems, GroupCriterion::compile);
        valid &= add(criteria, config.users(), field + ".users", problems, UserCriterion::compile);
        valid &= add(criteria, config.emails(), field + ".emails", problems, EmailCriterion::compile);
        for (var claim : new TreeMap<>(config.claims()).entrySet()) {
            valid &= add(criteria, claim.getKey(), claim.getValue(), field + ".claims", problems);
        }
        valid &= add(criteria, config.scopes(), field + ".scopes", problems,
                (values, at, reported) -> ScopeCriterion.compile(ScopeCriterion.CLAIMS, values, at, reported));
        valid &= add(criteria, config.methods(), field + ".methods", problems, MethodCriterion::compile);
        valid &= add(criteria, config.paths(), field + ".paths", problems, PolicyCompiler::paths);
        valid &= add(criteria, config.mcpMethods(), field + ".mcpMethods", problems,
                (values, f, p) -> McpCriterion.methods(values, !deny, f, p));
        valid &= add(criteria, config.mcpTools(), field + ".mcpTools", problems,
                (values, f, p) -> McpCriterion.tools(values, !deny, f, p));
        return valid ? new Rule(name, criteria, deny, policy, enforced) : null;
    }

    /** Adds the criterion for {@code values} unless it is unused (empty); false when a problem was reported. */
    private static boolean add(List<Criterion> criteria, List<String> values, String field, Problems problems,
                               CriterionCompiler compiler) {
        if (values.isEmpty()) {
            return true;
        }
        boolean clean = clean(values, field, problems);
        Criterion criterion = compiler.compile(values.stream().filter(v -> !v.isBlank()).toList(), field, problems);
        if (criterion == null || !clean) {
            return false;
        }
        criteria.add(criterion);
        return true;
    }

    private static boolean add(List<Criterion> criteria, String claim, List<String> values, String field,
                               Problems problems) {
        if (claim.isBlank()) {
            problems.add(field, "has a claim with an empty name");
            return false;
        }
        if (values == null || values.isEmpty()) {
            problems.add(field + "." + claim, "lists no value; list the values that let a caller in");
            return false;
        }
        if (!clean(values, field + "." + claim, problems)) {
            return false;
        }
        if (ScopeCriterion.CLAIMS.contains(claim)) { // a set of scopes, not one string (RFC 6749 §3.3)
            Criterion scopes = ScopeCriterion.compile(List.of(claim), values, field + "." + claim, problems);
            if (scopes == null) {
                return false;
            }
            criteria.add(scopes);
            return true;
        }
        criteria.add(new ClaimCriterion(claim, values));
        return true;
    }

    private static Criterion paths(List<String> values, String field, Problems problems) {
        List<PathPattern> patterns = new ArrayList<>();
        for (String value : values) {
            patterns.add(PathPattern.compile(value, field, problems));
        }
        return patterns.contains(null) ? null : new PathCriterion(patterns);
    }

    /** Reports empty values and values with spaces around them, which could never match. */
    private static boolean clean(List<String> values, String field, Problems problems) {
        boolean clean = true;
        for (String value : values) {
            if (value == null || value.isBlank()) {
                problems.add(field, "has an empty value");
                clean = false;
            } else if (!value.strip().equals(value)) {
                problems.add(field, "'" + value + "' has spaces around it");
                clean = false;
            }
        }
        return clean;
    }
}
