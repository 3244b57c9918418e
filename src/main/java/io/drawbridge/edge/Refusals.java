package io.drawbridge.edge;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import io.drawbridge.page.AccessDurations;
import io.drawbridge.page.HtmlPage;
import io.drawbridge.page.Page;
import io.drawbridge.page.PageSettings;
import io.drawbridge.page.RefusalPages;
import io.drawbridge.page.RouteOwner;
import io.drawbridge.policy.Explain;
import io.drawbridge.policy.Explanation;
import io.drawbridge.policy.PolicyExplainer;
import io.drawbridge.policy.RequestFacts;
import io.drawbridge.policy.RoutePolicy;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.Locale;
import org.apache.camel.Exchange;

/**
 * The body of a refusal: a page for a browser ({@code Accept: text/html}), JSON for everyone else, each telling
 * as much as the route's policy lets it ({@code explain}). Before a policy was reached (401, 404, 5xx), the default
 * level, {@code requirement}, applies.
 */
final class Refusals {

    /** Where the 403 page's "Request access" form posts (the access API, {@code io.drawbridge.access}). */
    private static final String ACCESS_REQUESTS = "/.drawbridge/access/requests";
    private static final int MAX_REASON = 1000;

    private Refusals() {
    }

    static FullHttpResponse response(ClientRequest request, Exchange exchange, int status, Reason reason) {
        RoutePolicy policy = exchange == null ? null : exchange.getProperty(ExchangeKeys.POLICY, RoutePolicy.class);
        Explain level = policy == null ? Explain.REQUIREMENT : policy.explain();
        if (!wantsHtml(request)) {
            return ErrorResponses.build(status, reason, request.requestId(), level != Explain.NONE);
        }
        PageSettings settings = request.connection() == null ? PageSettings.DEFAULT
                : request.connection().listener().pages();
        Identity identity = exchange == null ? null : exchange.getProperty(ExchangeKeys.IDENTITY, Identity.class);
        String route = exchange == null ? null : exchange.getProperty(ExchangeKeys.ROUTE_ID, String.class);
        Explanation explanation = null;
        if (policy != null && status == 403) {
            RequestFacts facts = exchange.getProperty(ExchangeKeys.REQUEST_FACTS, RequestFacts.class);
            explanation = facts == null ? null : PolicyExplainer.explain(policy, facts, identity);
        }
        RouteOwner owner = route == null ? null : settings.owners().apply(route);
        Page page = RefusalPages.of(status, reason, request.requestId(), identity, route,
                explanation, owner, settings);
        if (status == 403 && policy != null && policy.requestable() != null && identity != null && route != null
                && policy.requestable().offeredFor(reason)) {
            page = page.withRequestForm(AccessDurations.form(ACCESS_REQUESTS, route,
                    policy.requestable(), MAX_REASON));
        }
        return ErrorResponses.page(status, reason, HtmlPage.render(page, settings.gatewayName()));
    }

    /** A browser asking for a page; API clients and scripts ask for JSON or anything. */
    static boolean wantsHtml(ClientRequest request) {
        String accept = request.head().headers().get(HttpHeaderNames.ACCEPT);
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }
}
