package io.drawbridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A named authorization policy. Deny rules win over allow rules; a request no allow rule matches is denied.
 *
 * @param isPublic written {@code public: true}: everyone may pass, without authentication. Must be said explicitly,
 *                 and then {@code allow} and {@code deny} must be empty
 * @param mode     {@code enforce} (default) or {@code audit-only}: decide and audit, but let every request through
 * @param allow    rules any one of which lets a request in
 * @param deny     rules any one of which keeps a request out, whatever the allow rules say
 * @param explain  how much a refused caller is told: {@code none} (only the request id), {@code requirement}
 *                 (default: what the policy asks for, and what the caller has of it) or {@code full} (also the
 *                 rule and the missing claim). Never shown: other users' values, deny rules' internals, upstreams
 * @param limits   how often each caller may use a route under this policy; default unlimited
 * @param request  whether and how a refused caller may ask for a time-boxed grant; default none (no request)
 */
public record PolicyConfig(
        @JsonProperty("public") Boolean isPublic,
        String mode,
        List<RuleConfig> allow,
        List<RuleConfig> deny,
        String explain,
        LimitsConfig limits,
        RequestConfig request) {

    public PolicyConfig {
        isPublic = isPublic != null && isPublic;
        explain = explain == null ? "requirement" : explain;
        mode = mode == null ? "enforce" : mode;
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
    }

    /** A policy without access requests. */
    public PolicyConfig(Boolean isPublic, String mode, List<RuleConfig> allow, List<RuleConfig> deny, String explain,
                        LimitsConfig limits) {
        this(isPublic, mode, allow, deny, explain, limits, null);
    }

    /** A policy that explains refusals at the default level ({@code requirement}), without a rate limit. */
    public PolicyConfig(Boolean isPublic, String mode, List<RuleConfig> allow, List<RuleConfig> deny) {
        this(isPublic, mode, allow, deny, null, null, null);
    }

    /** A policy without a rate limit. */
    public PolicyConfig(Boolean isPublic, String mode, List<RuleConfig> allow, List<RuleConfig> deny,
                        String explain) {
        this(isPublic, mode, allow, deny, explain, null, null);
    }

    /**
     * Access requests: a caller the policy's rules refuse may ask for a time-boxed grant, which approvers decide.
     *
     * @param approvers       who may approve: {@code owners} (the catalog owner of the route's entity: the owning
     *                        user, or the members of the owning group), {@code group:<ns>/<name>} (its members, at the
     *                        moment of approval) or {@code user:<ns>/<name>}; at least one
     * @param maxDuration     the longest grant an approver may give; default 8h
     * @param defaultDuration what a request asks for when it names no duration; default 1h, at most maxDuration
     * @param reason          {@code required} (default) or {@code optional}: whether a request must say why
     * @param methods         the methods a grant admits; default those the allow rules would give a member
     * @param paths           the paths a grant admits ({@code /api/**}); default those the allow rules would give
     * @param catalog         the catalog entity of the routes under this policy ({@code component:default/grafana}),
     *                        whose owner {@code owners} means; default the entity that declares or claims the route
     */
    public record RequestConfig(List<String> approvers, Duration maxDuration,
                                Duration defaultDuration, String reason, List<String> methods,
                                List<String> paths, String catalog) {

        public RequestConfig {
            approvers = approvers == null ? List.of() : Collections.unmodifiableList(
                    new ArrayList<>(approvers));
            maxDuration = maxDuration == null ? Duration.ofHours(8) : maxDuration;
            defaultDuration = defaultDuration == null ? Duration.ofHours(1) : defaultDuration;
            reason = reason == null ? "required" : reason;
            methods = methods == null ? List.of() : List.copyOf(methods);
            paths = paths == null ? List.of() : List.copyOf(paths);
        }
    }

    /**
     * A rate limit per caller and route, counted by each replica on its own: a token bucket that holds
     * {@code burst} requests and refills at {@code perUser}. The caller is the authenticated subject (per issuer),
     * or the client's address on a route that lets anonymous callers in.
     *
     * @param perUser requests per period, e.g. {@code 100/m} ({@code /s}, {@code /m}, {@code /h})
     * @param burst   requests a caller may send at once; default one period's worth
     */
    public record LimitsConfig(String perUser, Integer burst) {
    }

    /**
     * One rule: every criterion it names must hold (AND); within a criterion any listed value will do (OR).
     * A rule naming no identity criterion (groups, users, emails, claims, scopes) still requires an authenticated caller.
     *
     * @param name    shown in audit records; default {@code allow[0]}, {@code deny[1]}, ...
     * @param groups  the caller is in one of these groups (token claim or catalog ref such as
     *                {@code group:default/sre})
     * @param users   the caller's user name is one of these
     * @param emails  the caller's e-mail is one of these (case-insensitive); {@code *@example.com} matches a domain
     * @param claims  each named claim has one of the listed values (or, for a list claim, contains one); the
     *                {@code scope} and {@code scp} claims are sets of scopes, as for {@code scopes}
     * @param methods the request method is one of these
     * @param paths   the request path matches one of these patterns: {@code /api/**} (any depth), {@code /api/*}
     *                (one segment), or an exact path
     * @param scopes  the token grants one of these scopes, in its {@code scope} claim (space-delimited) or its
     *                {@code scp} claim (a list or space-delimited); a caller without one gets 403 with an
     *                {@code insufficient_scope} challenge
     * @param mcpMethods on an MCP route, the JSON-RPC method matches one of these (exact, or {@code *} and
     *                {@code ?} globs); in allow rules discovery ({@code initialize}, {@code ping},
     *                {@code tools/list}, notifications) always passes
     * @param mcpTools on an MCP route, a {@code tools/call} names one of these tools (exact or glob); in allow rules
     *                discovery always passes, other methods never do
     */
    public record RuleConfig(
            String name,
            List<String> groups,
            List<String> users,
            List<String> emails,
            Map<String, List<String>> claims,
            List<String> methods,
            List<String> paths,
            List<String> scopes,
            List<String> mcpMethods,
            List<String> mcpTools) {

        public RuleConfig {
            groups = groups == null ? List.of() : List.copyOf(groups);
            users = users == null ? List.of() : List.copyOf(users);
            emails = emails == null ? List.of() : List.copyOf(emails);
            claims = claims == null ? Map.of() : Map.copyOf(claims);
            methods = methods == null ? List.of() : List.copyOf(methods);
            paths = paths == null ? List.of() : List.copyOf(paths);
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
            mcpMethods = mcpMethods == null ? List.of() : List.copyOf(mcpMethods);
            mcpTools = mcpTools == null ? List.of() : List.copyOf(mcpTools);
        }

        public RuleConfig(String name, List<String> groups, List<String> users, List<String> emails,
                          Map<String, List<String>> claims, List<String> methods, List<String> paths) {
            this(name, groups, users, emails, claims, methods, paths, null, null, null);
        }

        public RuleConfig(String name, List<String> groups, List<String> users, List<String> emails,
                          Map<String, List<String>> claims, List<String> methods, List<String> paths,
                          List<String> scopes) {
            this(name, groups, users, emails, claims, methods, paths, scopes, null, null);
        }
    }
}
