package io.drawbridge.page;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Explain;
import io.drawbridge.policy.Explanation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The page for a refused or failed request: a plain-language reason, what the policy asks for (as much as its
 * {@code explain} level allows), whom to ask and what to do next. Pure: everything it needs is handed in.
 */
public final class RefusalPages {

    private RefusalPages() {
    }

    /**
     * @param identity    the caller, or {@code null} when unauthenticated
     * @param route       the route's id, or {@code null} when no route matched
     * @param explanation the policy's explanation when the policy refused the request, else {@code null}
     * @param owner       the route's owner from the catalog, or {@code null}
     */
    public static Page of(int status, Reason reason, String requestId, Identity identity, String route,
                          Explanation explanation, RouteOwner owner, PageSettings settings) {
        Explain level = explanation == null ? Explain.REQUIREMENT : explanation.explain();
        String user = identity == null ? null : identity.user();
        String signOut = identity == null ? null : settings.signOutPath();
        if (level == Explain.NONE) {
            return new Page(status, title(status), user, signOut, null, requestId, null, List.of(), List.of(),
                    List.of("If you need help, quote the request id below."));
        }
        List<String> details = new ArrayList<>();
        List<String> next = new ArrayList<>();
        String text;
        String access = access(reason);
        if (access != null) {
            next.add("Go back to the access page and try again: " + "/.drawbridge/access");
            return new Page(status, title(status), user, signOut, route, requestId, access, details, List.of(), next);
        }
        if (status == 403) {
            text = denied(reason, explanation, level, details);
            next.add(owner != null && owner.owner() != null
                    ? "Ask the owners listed above for access, quoting the request id."
                    : "Ask whoever runs this application for access, quoting the request id.");
            if (settings.signOutPath() != null && identity != null) {
                next.add("If you signed in with the wrong account, sign out and sign in again.");
            }
        } else {
            text = failed(status, reason, next);
        }
        List<Page.Owner> owners = new ArrayList<>();
        if (owner != null && owner.owner() != null && status != 404) {
            owners.add(new Page.Owner(owner.owner(), settings.portalLink(owner.owner())));
            if (owner.entity() != null && settings.portalLink(owner.entity()) != null) {
                owners.add(new Page.Owner(owner.entity() + " (the application's catalog entry)",
                        settings.portalLink(owner.entity())));
            }
        }
        return new Page(status, title(status), user, signOut, route, requestId, text, details, owners, next);
    }

    /** What an access-request call's refusal tells its person, or {@code null} for other reasons. */
    private static String access(Reason reason) {
        return switch (reason) {
            case ACCESS_NOT_REQUESTABLE -> "This application does not take access requests.";
            case ACCESS_SELF_APPROVAL -> "You cannot approve your own request: someone else must.";
            case ACCESS_NOT_APPROVER -> "You are not one of the approvers of this application right now.";
            case ACCESS_REQUEST_CONFLICT -> "This was decided already, or you have an open request for it already.";
            case ACCESS_TOO_MANY_REQUESTS -> "You have too many open requests; wait for answers, or withdraw some.";
            case ACCESS_DURATION_EXCEEDED -> "That is longer than may be granted for this application.";
            case ACCESS_REASON_REQUIRED -> "Please say why you need access.";
            case ACCESS_CROSS_SITE -> "The request came from another site, so it was refused.";
            case ACCESS_NOT_FOUND -> "There is no such request or grant.";
            case ACCESS_INVALID -> "The request was malformed.";
            case ACCESS_STORE_UNAVAILABLE -> "Access requests cannot be read or changed right now.";
            default -> null;
        };
    }

    private static String title(int status) {
        return switch (status) {
            case 401 -> "Sign-in needed";
            case 403 -> "Access denied";
            case 400 -> "Request refused";
            case 409 -> "Already decided";
            case 404 -> "Nothing here";
            case 405 -> "Method not allowed";
            case 408 -> "Request took too long";
            case 413 -> "Request too large";
            case 429 -> "Too many requests";
            case 502 -> "The application is not answering";
            case 503 -> "Temporarily unavailable";
            case 504 -> "The application took too long";
            default -> status >= 500 ? "Something went wrong" : "Request refused";
        };
    }

    private static String denied(Reason reason, Explanation explanation, Explain level, List<String> details) {
        if (reason == Reason.DENY_RULE_MATCHED) {
            if (level == Explain.FULL && explanation != null) {
                details.add("Decided by policy " + explanation.policy() + ", deny rule "
                        + explanation.decision().rule() + " (reason: " + reason.code() + ").");
            }
            return "A rule of this application's access policy keeps this request out.";
        }
        if (reason == Reason.USER_NOT_IN_CATALOG) {
            return "You are not listed in the software catalog, and this application admits only people who are.";
        }
        if (reason == Reason.CSRF_REJECTED) {
            return "The request came from another site, so it was refused.";
        }
        if (explanation == null || explanation.allow().isEmpty()) {
            return "No access policy lets anyone into this application yet.";
        }
        List<Explanation.RuleCheck> rules = explanation.allow();
        Set<String> have = new LinkedHashSet<>();
        List<String> ways = new ArrayList<>();
        for (Explanation.RuleCheck rule : rules) {
            List<String> words = new ArrayList<>();
            for (Explanation.CriterionCheck criterion : rule.criteria()) {
                words.add(criterion.words());
                if (!criterion.holds() && criterion.have() != null) {
                    have.add(criterion.have());
                }
            }
            ways.add(String.join(", and ", words));
        }
        String text = rules.size() == 1
                ? "This application is for " + ways.get(0) + (have.isEmpty() ? "." : "; " + String.join("; ", have)
                + ".")
                : "This application is for any of these:";
        if (rules.size() > 1) {
            ways.forEach(way -> details.add(way));
            if (!have.isEmpty()) {
                details.add("What you have: " + String.join("; ", have) + ".");
            }
        }
        if (level == Explain.FULL) {
            for (Explanation.RuleCheck rule : rules) {
                for (Explanation.CriterionCheck criterion : rule.criteria()) {
                    if (!criterion.holds()) {
                        details.add("Rule " + rule.rule() + " requires " + criterion.requirement() + ".");
                    }
                }
            }
            details.add("Decided by policy " + explanation.policy() + " (reason: " + reason.code() + ").");
        }
        return text;
    }

    private static String failed(int status, Reason reason, List<String> next) {
        switch (status) {
            case 401 -> {
                next.add("Sign in again, or send a valid access token if you use an API client.");
                return switch (reason) {
                    case TOKEN_EXPIRED, SESSION_EXPIRED -> "Your sign-in has expired.";
                    case TOKEN_MISSING, NOT_AUTHENTICATED -> "This application needs you to sign in first.";
                    case LOGIN_FAILED -> "The sign-in could not be completed.";
                    default -> "Your sign-in was not accepted.";
                };
            }
            case 404 -> {
                next.add("Check the address; the link you followed may be out of date.");
                return reason == Reason.CATALOG_ROUTE_REJECTED
                        ? "The catalog declares an application here, but the gateway refused that declaration."
                        : "No application is served at this address.";
            }
            case 413 -> {
                next.add("Send a smaller request, or ask the application's owners about the limit.");
                return "The request is larger than this gateway accepts.";
            }
            case 429 -> {
                next.add("Wait a little and try again.");
                return "Too many requests came from you in a short time.";
            }
            case 502, 504 -> {
                next.add("Try again in a minute.");
                next.add("If it goes on, tell the application's owners, quoting the request id.");
                return status == 502 ? "The gateway could not reach the application behind this address."
                        : "The application behind this address did not answer in time.";
            }
            case 503 -> {
                next.add("Try again in a minute.");
                return reason == Reason.CATALOG_UNAVAILABLE
                        ? "The gateway cannot check your groups right now: the software catalog is not answering."
                        : "The application is unavailable for a moment.";
            }
            default -> {
                next.add("If it goes on, ask for help, quoting the request id.");
                return status >= 500 ? "The gateway could not complete the request." : "The request was refused.";
            }
        }
    }
}
