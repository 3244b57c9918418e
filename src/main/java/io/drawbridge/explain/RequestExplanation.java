package io.drawbridge.explain;

import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Explanation;
import java.util.List;

/**
 * How the gateway would decide one request.
 *
 * @param method      the request method
 * @param host        the request host
 * @param path        the normalized path
 * @param route       the route that would serve it, or {@code null} (then: 404 no-route)
 * @param identity    the caller as the policy sees it, catalog groups included
 * @param catalog     what the catalog look-up found: {@code not-enriched} (the route has no enrich step),
 *                    {@code offline}, {@code found}, {@code not-in-catalog} or {@code unavailable: why}
 * @param catalogGroups the groups the catalog added
 * @param explanation the policy's explanation, or {@code null} without a route
 * @param outcome     {@code allow} or {@code deny}
 * @param reason      the stable reason code
 * @param notes       what the explanation could not take into account
 */
public record RequestExplanation(String method, String host, String path, ServedRoute route, Identity identity,
                                 String catalog, List<String> catalogGroups, Explanation explanation, String outcome,
                                 String reason, List<String> notes) {

    public RequestExplanation {
        catalogGroups = List.copyOf(catalogGroups);
        notes = List.copyOf(notes);
    }
}
