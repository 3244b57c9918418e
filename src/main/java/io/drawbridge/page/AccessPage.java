package io.drawbridge.page;

import java.util.List;
import org.owasp.encoder.Encode;

/**
 * The page at {@code /.drawbridge/access}: for approvers an inbox (who asks for which route, why, for how long,
 * their groups now, how long it has waited; approve, optionally for less time, or reject, one click each), and for
 * everyone "My access" (the routes they reach, their grants and when each ends, their pending requests; give a
 * grant up, withdraw a request). Every value is the requesters' or the catalog's text: all of it goes through the
 * OWASP encoder for its context. Buttons post forms to the access API on the same origin; no script.
 */
public final class AccessPage {

    /**
     * What the page shows.
     *
     * @param user        who is signed in
     * @param signOutPath where the sign-out button posts, or {@code null}
     * @param base        the access API's path, {@code /.drawbridge/access}
     * @param inbox       requests the user may decide, oldest first
     * @param grants      the user's active grants
     * @param requests    the user's pending requests
     * @param reachable   the routes the user's policies let in now
     */
    public record View(String user, String signOutPath, String base, List<Pending> inbox, List<Held> grants,
                       List<Asked> requests, List<String> reachable) {
    }

    /** A request waiting for this approver; {@code durations} are what it may be approved for, asked first. */
    public record Pending(String id, String requester, String email, String route, String reason, String duration,
                          List<String> groups, String waiting, List<Page.Choice> durations) {
    }

    /** A grant the user holds. */
    public record Held(String id, String route, String endsAt, String approvedBy) {
    }

    /** A request of the user's, still open. */
    public record Asked(String id, String route, String duration, String reason, String state, String createdAt) {
    }

    private AccessPage() {
    }

    public static String render(View view, String gatewayName) {
        StringBuilder html = HtmlPage.start("Access", gatewayName);
        html.append("<div class=\"card\"><h1>Access</h1><p class=\"status\">Signed in as <span id=\"user\">")
                .append(HtmlPage.text(view.user())).append("</span></p>");
        if (!view.inbox().isEmpty()) {
            html.append("<h2>Waiting for your decision</h2><div id=\"inbox\">");
            for (Pending p : view.inbox()) {
                pending(html, view.base(), p);
            }
            html.append("</div>");
        }
        html.append("<h2>My access</h2>");
        if (view.reachable().isEmpty()) {
            html.append("<p class=\"muted\">No application lets you in right now.</p>");
        } else {
            html.append("<ul id=\"reachable\">");
            view.reachable().forEach(r -> html.append("<li><code>").append(HtmlPage.text(r)).append("</code></li>"));
            html.append("</ul>");
        }
        html.append("<h2>My grants</h2><div id=\"grants\">");
        if (view.grants().isEmpty()) {
            html.append("<p class=\"muted\">No grant.</p>");
        }
        for (Held g : view.grants()) {
            html.append("<div class=\"item grant\" id=\"grant-").append(Encode.forHtmlAttribute(g.id())).append("\">")
                    .append("<code>").append(HtmlPage.text(g.route())).append("</code> until ")
                    .append(HtmlPage.text(g.endsAt())).append(", approved by ").append(HtmlPage.text(g.approvedBy()));
            button(html, view.base() + "/grants/" + segment(g.id()) + "/revoke", "Give up", "give-up", null);
            html.append("</div>");
        }
        html.append("</div><h2>My requests</h2><div id=\"requests\">");
        if (view.requests().isEmpty()) {
            html.append("<p class=\"muted\">No open request.</p>");
        }
        for (Asked a : view.requests()) {
            html.append("<div class=\"item request\" id=\"request-").append(Encode.forHtmlAttribute(a.id()))
                    .append("\"><code>").append(HtmlPage.text(a.route())).append("</code> for ")
                    .append(HtmlPage.text(a.duration())).append(", <span class=\"state\">")
                    .append(HtmlPage.text(a.state())).append("</span>, asked ").append(HtmlPage.text(a.createdAt()));
            if (a.reason() != null) {
                html.append("<div class=\"reason\">").append(HtmlPage.text(a.reason())).append("</div>");
            }
            button(html, view.base() + "/requests/" + segment(a.id()) + "/withdraw", "Withdraw", "withdraw", null);
            html.append("</div>");
        }
        html.append("</div>");
        if (view.signOutPath() != null && view.signOutPath().startsWith("/")) {
            html.append("<form method=\"post\" action=\"").append(Encode.forHtmlAttribute(view.signOutPath()))
                    .append("\"><button id=\"sign-out\" class=\"secondary\" type=\"submit\">Sign out</button></form>");
        }
        html.append("</div>");
        return HtmlPage.end(html);
    }

    private static void pending(StringBuilder html, String base, Pending p) {
        html.append("<div class=\"item pending\" id=\"pending-").append(Encode.forHtmlAttribute(p.id())).append("\">")
                .append("<strong class=\"requester\">").append(HtmlPage.text(p.requester())).append("</strong>");
        if (p.email() != null) {
            html.append(" <span class=\"muted\">").append(HtmlPage.text(p.email())).append("</span>");
        }
        html.append(" asks for <code class=\"route\">").append(HtmlPage.text(p.route())).append("</code> for ")
                .append(HtmlPage.text(p.duration())).append(" <span class=\"muted\">(waiting ")
                .append(HtmlPage.text(p.waiting())).append(")</span>");
        html.append("<div class=\"reason\">").append(p.reason() == null ? "<span class=\"muted\">no reason given</span>"
                : HtmlPage.text(p.reason())).append("</div>");
        html.append("<div class=\"muted groups\">Groups now: ").append(p.groups().isEmpty() ? "none"
                : HtmlPage.text(String.join(", ", p.groups()))).append("</div>");
        String action = base + "/requests/" + segment(p.id());
        html.append("<form method=\"post\" action=\"").append(Encode.forHtmlAttribute(action + "/approve"))
                .append("\"><select name=\"duration\" aria-label=\"duration\">");
        for (Page.Choice c : p.durations()) {
            html.append("<option value=\"").append(Encode.forHtmlAttribute(c.value())).append('"')
                    .append(c.selected() ? " selected" : "").append('>').append(HtmlPage.text(c.label()))
                    .append("</option>");
        }
        html.append("</select> <button class=\"approve\" type=\"submit\">Approve</button></form>");
        button(html, action + "/reject", "Reject", "reject", "secondary");
    }

    private static void button(StringBuilder html, String action, String label, String cls, String extra) {
        html.append("<form method=\"post\" action=\"").append(Encode.forHtmlAttribute(action))
                .append("\"><button class=\"").append(cls).append(extra == null ? "" : " " + extra)
                .append("\" type=\"submit\">").append(label).append("</button></form>");
    }

    private static String segment(String id) {
        return Encode.forUriComponent(id);
    }
}
