package io.drawbridge.page;

import java.util.List;

/**
 * What a page tells a person; {@link HtmlPage} renders it. Every field is plain text, escaped when rendered.
 *
 * @param status      the HTTP status, shown small
 * @param title       the heading: {@code Access denied}
 * @param user        who is signed in, or {@code null}
 * @param signOutPath where the sign-out button posts, or {@code null} for no button
 * @param route       the route's id, or {@code null}
 * @param requestId   the request id to quote
 * @param reason      the plain-language reason, one sentence or two
 * @param details     further lines (what the policy asks for, what the caller has)
 * @param owners      whom to ask, possibly none
 * @param nextSteps   what to do next, in order
 */
public record Page(int status, String title, String user, String signOutPath, String route, String requestId,
                   String reason, List<String> details, List<Owner> owners, List<String> nextSteps) {

    public Page {
        details = List.copyOf(details);
        owners = List.copyOf(owners);
        nextSteps = List.copyOf(nextSteps);
    }

    /**
     * A person or team to ask.
     *
     * @param name what to call them: {@code group:default/sre}
     * @param link their page in the developer portal, or {@code null}
     */
    public record Owner(String name, String link) {
    }
}
