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
 * @param requestForm the "Request access" form of a route that takes access requests, or {@code null}
 */
public record Page(int status, String title, String user, String signOutPath, String route, String requestId,
                   String reason, List<String> details, List<Owner> owners, List<String> nextSteps,
                   RequestForm requestForm) {

    public Page {
        details = List.copyOf(details);
        owners = List.copyOf(owners);
        nextSteps = List.copyOf(nextSteps);
    }

    /** A page without a request form. */
    public Page(int status, String title, String user, String signOutPath, String route, String requestId,
                String reason, List<String> details, List<Owner> owners, List<String> nextSteps) {
        this(status, title, user, signOutPath, route, requestId, reason, details, owners, nextSteps, null);
    }

    /** This page with a "Request access" form. */
    public Page withRequestForm(RequestForm form) {
        return new Page(status, title, user, signOutPath, route, requestId, reason, details, owners, nextSteps, form);
    }

    /**
     * The form a refused person asks for access with.
     *
     * @param action         where it posts: the access API's requests path
     * @param route          the route asked for
     * @param durations      the durations offered, up to the policy's maximum, the default selected
     * @param reasonRequired whether a reason must be given
     * @param maxReason      the longest reason accepted
     */
    public record RequestForm(String action, String route, List<Choice> durations, boolean reasonRequired,
                              int maxReason) {
        public RequestForm {
            durations = List.copyOf(durations);
        }
    }

    /** One option of a select: what is sent, what is shown, whether it is chosen at first. */
    public record Choice(String value, String label, boolean selected) {
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
