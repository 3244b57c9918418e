package io.drawbridge.explain;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;
import io.drawbridge.edge.RequestTarget;
import io.drawbridge.identity.Enrichment;
import io.drawbridge.identity.Identity;
import io.drawbridge.identity.RoleSource;
import io.drawbridge.policy.Decision;
import io.drawbridge.policy.Explanation;
import io.drawbridge.policy.Policies;
import io.drawbridge.policy.PolicyExplainer;
import io.drawbridge.policy.RequestFacts;
import io.drawbridge.policy.RoutePolicy;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds the route a request would take, enriches the caller as that route would, and explains its policy's
 * decision. The route is chosen as the gateway's route table chooses: host-specific routes first, then the
 * longest path prefix on whole segments.
 */
public final class RequestExplainer {

    private static final Comparator<ServedRoute> ORDER = Comparator.comparing((ServedRoute r) -> r.host() == null)
            .thenComparing(r -> r.host() != null && r.host().startsWith("*."))
            .thenComparing(r -> -r.prefix().length());

    private final List<ServedRoute> routes;
    private final Policies policies;
    private final RoleSource roles;

    /** @param roles the catalog role source, or {@code null} for none (or {@code --offline}) */
    public RequestExplainer(List<ServedRoute> routes, Policies policies, RoleSource roles) {
        this.routes = routes.stream().sorted(ORDER).toList();
        this.policies = policies;
        this.roles = roles;
    }

    /** The route that serves this host and normalized path, or {@code null}. */
    ServedRoute route(String host, String path) {
        for (ServedRoute route : routes) {
            if (route.serves(host, path)) {
                return route;
            }
        }
        return null;
    }

    /**
     * @param url      an absolute URL ({@code http://host/path}) or a path
     * @param identity the caller before enrichment, or {@code null} for an anonymous request
     */
    public RequestExplanation explain(String method, String url, Identity identity, boolean offline) {
        URI uri = URI.create(url);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        String raw = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String path = RequestTarget.parse(raw).path();
        String upper = method.toUpperCase(Locale.ROOT);
        List<String> notes = new ArrayList<>();
        ServedRoute route = routes.stream().filter(r -> r.serves(host, path)).findFirst().orElse(null);
        if (route == null) {
            return new RequestExplanation(upper, host, path, null, identity, "not-enriched", List.of(), null,
                    "deny", Reason.NO_ROUTE.code(), notes);
        }
        if (identity != null && !route.authenticates()) {
            notes.add("route " + route.id() + " has no authenticate step: the gateway would not know the caller");
            identity = null;
        }
        String catalog = "not-enriched";
        List<String> added = List.of();
        if (identity != null && route.enriches()) {
            if (offline || roles == null) {
                catalog = offline ? "offline" : "no catalog configured";
                notes.add("catalog groups not looked up: the policy sees the token's groups only");
            } else {
                try {
                    Enrichment enrichment = roles.enrich(identity).get(10, TimeUnit.SECONDS);
                    Set<String> more = new LinkedHashSet<>(enrichment.identity().groups());
                    more.removeAll(identity.groups());
                    added = List.copyOf(more);
                    identity = enrichment.identity();
                    catalog = enrichment.lookup();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    Reason reason = cause instanceof Reasoned r ? r.reason()
                            : Reason.CATALOG_UNAVAILABLE;
                    return new RequestExplanation(upper, host, path, route, identity, "failed: "
                            + cause.getMessage(), List.of(), null, "deny", reason.code(), notes);
                } catch (TimeoutException e) {
                    return new RequestExplanation(upper, host, path, route, identity, "unavailable: no answer in 10 s",
                            List.of(), null, "deny", Reason.CATALOG_UNAVAILABLE.code(), notes);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
        RoutePolicy policy = route.declared() != null ? route.declared()
                : route.policy() == null ? null : policies.get(route.policy());
        if (route.policy() == null && route.declared() == null) {
            notes.add("route " + route.id() + " has no authorize step: the gateway denies every request (no-policy)");
        }
        Explanation explanation = PolicyExplainer.explain(policy, new RequestFacts(upper, path, host), identity);
        Decision decision = explanation.decision();
        String outcome = decision.proceeds() ? "allow" : "deny";
        if (!decision.enforced() && !decision.allowed()) {
            notes.add("policy " + decision.policy() + " is audit-only: the request would pass, recorded as denied");
        }
        return new RequestExplanation(upper, host, path, route, identity, catalog, added, explanation, outcome,
                decision.reason().code(), notes);
    }
}
