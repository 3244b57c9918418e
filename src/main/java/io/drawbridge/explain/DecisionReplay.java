package io.drawbridge.explain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.drawbridge.Reason;
import io.drawbridge.edge.RequestTarget;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Decision;
import io.drawbridge.policy.Policies;
import io.drawbridge.policy.PolicyEvaluator;
import io.drawbridge.policy.PolicyExplainer;
import io.drawbridge.policy.RequestFacts;
import io.drawbridge.policy.RoutePolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replays the decisions of an audit log under another configuration: each recorded request that reached a
 * policy (subject, e-mail, issuer, the groups it carried, catalog groups included, host, method, path) is routed
 * and decided again, and the ones whose outcome would change are counted by route, subject and direction, with one
 * example request id each. What a record does not keep (other claims, scopes; the e-mail of records written before
 * it was kept) cannot be replayed: requests whose new policy has rules on them are counted apart, never guessed.
 */
public final class DecisionReplay {

    /** Denials a policy makes; a record with one of these was refused by its policy. */
    private static final Set<Reason> POLICY_DENIALS = EnumSet.of(Reason.NO_POLICY, Reason.DENY_RULE_MATCHED,
            Reason.NO_RULE_MATCHED, Reason.GROUP_MISSING, Reason.USER_NOT_ALLOWED, Reason.EMAIL_NOT_ALLOWED,
            Reason.CLAIM_MISMATCH, Reason.METHOD_NOT_ALLOWED, Reason.PATH_NOT_ALLOWED, Reason.NOT_AUTHENTICATED);

    /** The ids of the routes the gateway builds itself ({@code drawbridge-keys}, {@code drawbridge-logout}, ...). */
    private static final String BUILT_IN_PREFIX = "drawbridge-";

    /** One group of changed decisions. */
    public record Change(String direction, String route, String subject, long count, String exampleRequestId) {
    }

    /** What the replay found. */
    public record Result(long records, long replayed, long skipped, long unreplayable, List<Change> changes,
                         Map<String, Long> unreplayableWhy) {
        public long changed() {
            return changes.stream().mapToLong(Change::count).sum();
        }
    }

    private record Key(String direction, String route, String subject) {
    }

    private final RequestExplainer routes;
    private final Policies policies;
    private final Set<String> declaredRouteIds;
    private final boolean catalogRoutesKnown;
    private final Instant since;
    private final Map<String, String> untestable = new HashMap<>(); // policy name -> why, or "" when replayable
    private final Map<String, Boolean> onEmail = new HashMap<>(); // policy name -> whether it has emails rules

    /**
     * @param catalogRoutesKnown whether the catalog's declared routes are among {@code routes} (catalog files);
     *                           if not, records of catalog routes cannot be replayed
     * @param since              records before this are skipped; {@code null} for all
     */
    public DecisionReplay(List<ServedRoute> routes, Policies policies, boolean catalogRoutesKnown, Instant since) {
        this.routes = new RequestExplainer(routes, policies, null);
        this.policies = policies;
        this.declaredRouteIds = new LinkedHashSet<>(routes.stream().map(ServedRoute::id).toList());
        this.catalogRoutesKnown = catalogRoutesKnown;
        this.since = since;
    }

    public Result replay(BufferedReader audit) throws IOException {
        JsonFactory json = new JsonFactory();
        Map<Key, long[]> counts = new HashMap<>();
        Map<Key, String> examples = new HashMap<>();
        Map<String, Long> why = new TreeMap<>();
        long records = 0;
        long replayed = 0;
        long skipped = 0;
        long unreplayable = 0;
        Recorded r = new Recorded();
        for (String line = audit.readLine(); line != null; line = audit.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            records++;
            try (JsonParser parser = json.createParser(line)) {
                r.read(parser);
            } catch (IOException | RuntimeException e) {
                skipped++;
                continue;
            }
            if (r.policy == null || r.route == null || r.requestId == null
                    || (since != null && r.time != null && Instant.parse(r.time).isBefore(since))) {
                skipped++; // refused before any policy (authentication, no route), or an event, or too old
                continue;
            }
            if (r.route.startsWith(BUILT_IN_PREFIX) && !declaredRouteIds.contains(r.route)) {
                skipped++; // the gateway's own routes (keys, sign-in, sign-out): no route file declares them
                continue;
            }
            if (r.route.startsWith("catalog-") && !catalogRoutesKnown) {
                unreplayable++;
                why.merge("catalog-declared routes of a Backstage catalog are not read", 1L, Long::sum);
                continue;
            }
            boolean wasAllowed = "allow".equals(r.decision)
                    || "error".equals(r.decision) && !POLICY_DENIALS.contains(reasonOf(r.reason));
            Decision now = decide(r, why);
            if (now == null) {
                unreplayable++;
                continue;
            }
            replayed++;
            boolean allowed = now.proceeds();
            if (allowed != wasAllowed) {
                Key key = new Key(wasAllowed ? "allow->deny" : "deny->allow", r.route,
                        r.subject == null ? "(anonymous)" : r.subject);
                counts.computeIfAbsent(key, k -> new long[1])[0]++;
                examples.putIfAbsent(key, r.requestId);
            }
        }
        List<Change> changes = new ArrayList<>();
        counts.forEach((k, n) -> changes.add(new Change(k.direction(), k.route(), k.subject(), n[0], examples.get(k))));
        changes.sort(Comparator.comparing(Change::direction).thenComparing(Change::route)
                .thenComparing(Change::subject));
        return new Result(records, replayed, skipped, unreplayable, changes, why);
    }

    /** The decision under the new configuration, or {@code null} when the record cannot tell (the why is counted). */
    private Decision decide(Recorded r, Map<String, Long> why) {
        String path;
        try {
            path = RequestTarget.parse(r.path).path();
        } catch (RuntimeException e) {
            why.merge("path not parseable", 1L, Long::sum);
            return null;
        }
        ServedRoute route = routes.route(r.host == null ? "" : r.host, path);
        if (route == null) {
            return Decision.deny(Reason.NO_ROUTE, null, null, null);
        }
        RoutePolicy policy = route.declared() != null ? route.declared()
                : route.policy() == null ? RoutePolicy.NONE : policies.get(route.policy());
        String untestableWhy = untestable.computeIfAbsent(policy.name() == null ? "" : policy.name(),
                name -> untestable(policy));
        Identity identity = r.subject == null || !route.authenticates() ? null
                : new Identity(r.subject, r.subject, r.email, new LinkedHashSet<>(r.groups), r.issuer, r.clientId,
                Map.of(), null); // the recorded e-mail is the verified one, so no email_verified claim is needed
        if (identity != null && !untestableWhy.isEmpty()) {
            why.merge(untestableWhy, 1L, Long::sum);
            return null;
        }
        if (identity != null && !r.emailKept && onEmail.computeIfAbsent(policy.name() == null ? "" : policy.name(),
                name -> hasRulesOn(policy, EnumSet.of(Reason.EMAIL_NOT_ALLOWED)))) {
            why.merge("policy " + policy.name() + " has rules on e-mail, which records written before"
                    + " the e-mail was audited do not keep", 1L, Long::sum);
            return null;
        }
        return PolicyEvaluator.evaluate(policy, new RequestFacts(r.method, path,
                r.host == null ? "" : r.host), identity);
    }

    /** Why requests under this policy cannot be replayed from audit records, or "" when they can. */
    private static String untestable(RoutePolicy policy) {
        return hasRulesOn(policy, EnumSet.of(Reason.CLAIM_MISMATCH, Reason.SCOPE_MISSING))
                ? "policy " + policy.name() + " has rules on claims or scopes, which audit records do not keep" : "";
    }

    /** Whether a rule of the policy has a criterion that fails with one of {@code failures}. */
    private static boolean hasRulesOn(RoutePolicy policy, Set<Reason> failures) {
        Identity anyone = new Identity("-", "-", null, Set.of(), null, null, Map.of(), null);
        var explanation = PolicyExplainer.explain(policy, new RequestFacts("GET", "/", ""),
                anyone);
        var rules = new ArrayList<>(explanation.allow());
        rules.addAll(explanation.deny());
        return rules.stream().flatMap(rule -> rule.criteria().stream()).anyMatch(c -> failures.contains(c.failure()));
    }

    private static Reason reasonOf(String code) {
        for (Reason reason : Reason.values()) {
            if (reason.code().equals(code)) {
                return reason;
            }
        }
        return Reason.INTERNAL_ERROR;
    }

    /** The fields of one record a replay needs, read field by field (no tree, no reflection). */
    private static final class Recorded {
        String time;
        String requestId;
        String decision;
        String reason;
        String subject;
        String email;
        boolean emailKept; // the record has the field (null included): written since the e-mail is audited
        String issuer;
        String clientId;
        final List<String> groups = new ArrayList<>();
        String route;
        String policy;
        String method;
        String path;
        String host;

        void read(JsonParser p) throws IOException {
            time = requestId = decision = reason = subject = email = issuer = clientId = route = policy = method = path
                    = host = null;
            emailKept = false;
            groups.clear();
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("groups") && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.VALUE_STRING) {
                        groups.add(p.getText());
                    }
                    continue;
                }
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                String text = value == JsonToken.VALUE_NULL ? null : p.getText();
                switch (name) {
                    case "time" -> time = text;
                    case "requestId" -> requestId = text;
                    case "decision" -> decision = text;
                    case "reason" -> reason = text;
                    case "subject" -> subject = text;
                    case "email" -> {
                        email = text;
                        emailKept = true;
                    }
                    case "issuer" -> issuer = text;
                    case "clientId" -> clientId = text;
                    case "route" -> route = text;
                    case "policy" -> policy = text;
                    case "method" -> method = text;
                    case "path" -> path = text;
                    case "host" -> host = text;
                    default -> {
                        // not needed for a replay
                    }
                }
            }
        }
    }
}
