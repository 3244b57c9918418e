package io.drawbridge.explain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Explanation;
import java.util.List;
import java.util.Locale;

/** A {@link RequestExplanation} as text for people and as JSON for machines (the same facts in both). */
public final class ExplanationReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExplanationReport() {
    }

    public static String text(RequestExplanation e) {
        StringBuilder out = new StringBuilder();
        line(out, "request", e.method() + " " + (e.host().isEmpty() ? "" : e.host()) + e.path());
        if (e.route() == null) {
            line(out, "route", "none: no route serves this host and path");
        } else {
            ServedRoute r = e.route();
            line(out, "route", r.id() + " on " + (r.host() == null ? "" : r.host()) + r.prefix()
                    + (r.location() == null ? "" : " (" + r.location() + ")"));
            line(out, "steps", r.steps().isEmpty() ? "(none)" : String.join(" -> ", r.steps()));
        }
        line(out, "caller", identity(e.identity()));
        if (!"not-enriched".equals(e.catalog())) {
            line(out, "catalog", e.catalog() + (e.catalogGroups().isEmpty() ? ""
                    : ", groups found: " + String.join(", ", e.catalogGroups())));
        }
        Explanation x = e.explanation();
        if (x != null) {
            line(out, "policy", x.policy() == null ? "(none)" : x.policy() + (x.isPublic() ? " (public)" : "")
                    + (x.decision().enforced() ? "" : " (audit-only)") + ", explain: " + x.explain().code());
            rules(out, "deny", x.deny());
            rules(out, "allow", x.allow());
        }
        line(out, "decision", e.outcome().toUpperCase(Locale.ROOT) + " " + e.reason()
                + (x != null && x.decision().rule() != null ? " (rule " + x.decision().rule() + ")" : "")
                + (x != null && x.decision().detail() != null && !x.decision().allowed()
                ? ": " + x.decision().detail() : ""));
        for (String note : e.notes()) {
            line(out, "note", note);
        }
        return out.toString();
    }

    private static void rules(StringBuilder out, String kind, List<Explanation.RuleCheck> rules) {
        for (Explanation.RuleCheck rule : rules) {
            out.append(String.format("  %-5s %s: %s%n", kind, rule.rule(), rule.matched() ? "matches" : "does not match"));
            for (Explanation.CriterionCheck c : rule.criteria()) {
                out.append(String.format("          %s %s%s%n", c.holds() ? "yes" : "no ", c.requirement(),
                        c.holds() || c.have() == null ? "" : " (" + c.have() + ")"));
            }
        }
    }

    private static String identity(Identity identity) {
        if (identity == null) {
            return "anonymous";
        }
        return identity.user() + (identity.email() == null ? "" : " <" + identity.email() + ">")
                + ", groups: " + (identity.groups().isEmpty() ? "(none)" : String.join(", ", identity.groups()));
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-9s %s%n", label, value));
    }

    public static ObjectNode json(RequestExplanation e) {
        ObjectNode root = JSON.createObjectNode();
        root.put("method", e.method()).put("host", e.host()).put("path", e.path());
        if (e.route() != null) {
            ObjectNode route = root.putObject("route");
            route.put("id", e.route().id()).put("host", e.route().host()).put("prefix", e.route().prefix())
                    .put("location", e.route().location());
            e.route().steps().forEach(route.putArray("steps")::add);
        } else {
            root.putNull("route");
        }
        if (e.identity() != null) {
            ObjectNode caller = root.putObject("caller");
            caller.put("user", e.identity().user()).put("email", e.identity().email());
            e.identity().groups().forEach(caller.putArray("groups")::add);
        } else {
            root.putNull("caller");
        }
        root.put("catalog", e.catalog());
        e.catalogGroups().forEach(root.putArray("catalogGroups")::add);
        Explanation x = e.explanation();
        if (x != null) {
            ObjectNode policy = root.putObject("policy");
            policy.put("name", x.policy()).put("public", x.isPublic()).put("enforced", x.decision().enforced())
                    .put("explain", x.explain().code());
            rules(policy.putArray("deny"), x.deny());
            rules(policy.putArray("allow"), x.allow());
            root.put("rule", x.decision().rule());
        }
        root.put("decision", e.outcome()).put("reason", e.reason());
        e.notes().forEach(root.putArray("notes")::add);
        return root;
    }

    private static void rules(ArrayNode array, List<Explanation.RuleCheck> rules) {
        for (Explanation.RuleCheck rule : rules) {
            ObjectNode r = array.addObject().put("name", rule.rule()).put("matches", rule.matched());
            ArrayNode criteria = r.putArray("criteria");
            for (Explanation.CriterionCheck c : rule.criteria()) {
                ObjectNode criterion = criteria.addObject().put("requirement", c.requirement()).put("holds", c.holds());
                if (!c.holds()) {
                    criterion.put("reason", c.failure().code()).put("have", c.have());
                }
            }
        }
    }
}
