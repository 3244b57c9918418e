package io.drawbridge.page;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.owasp.encoder.Encode;

/**
 * Renders a {@link Page} as one self-contained HTML document: no script, no external asset, one inline style
 * allowed by its hash in {@link #CONTENT_SECURITY_POLICY}, readable on a phone. Every value goes through the OWASP
 * encoder for its context; links are only ever {@code http(s)}.
 */
public final class HtmlPage {

    static final String STYLE = """
            *{box-sizing:border-box}\
            body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;\
            background:#f3f4f7}\
            main{max-width:40rem;margin:0 auto;padding:1.25rem}\
            .brand{margin:0 0 1.5rem;font-weight:600;color:#4a5368;letter-spacing:.02em}\
            .card{background:#fff;border:1px solid #dde0e7;border-radius:10px;padding:1.25rem 1.25rem .75rem}\
            h1{margin:0 0 .25rem;font-size:1.6rem;line-height:1.2}\
            .status{margin:0 0 1rem;color:#6a7285;font-size:.9rem}\
            .reason{font-size:1.1rem;margin:0 0 .75rem}\
            h2{font-size:1rem;margin:1.25rem 0 .25rem}\
            ul,ol{margin:.25rem 0 .75rem;padding-left:1.3rem}\
            li{margin:.2rem 0;overflow-wrap:anywhere}\
            code{font:.9rem ui-monospace,Menlo,Consolas,monospace;background:#eef0f4;padding:.05rem .3rem;\
            border-radius:4px;overflow-wrap:anywhere}\
            a{color:#1a56c4}\
            dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:1rem 0;font-size:.95rem}\
            dt{color:#6a7285}dd{margin:0;overflow-wrap:anywhere}\
            form{margin:0 0 1rem}\
            button{font:inherit;padding:.55rem 1.1rem;border-radius:8px;border:1px solid #1a56c4;background:#1a56c4;\
            color:#fff;cursor:pointer;min-height:44px}\
            .item{border-top:1px solid #dde0e7;padding:.6rem 0}.item form{display:inline-block;margin:.25rem .5rem 0 0}\
            label{display:block;margin:.5rem 0 .2rem;font-weight:600}\
            textarea,select{font:inherit;width:100%;padding:.4rem;border:1px solid #b9bfcc;border-radius:6px}\
            .item select{width:auto}button.secondary{background:#fff;color:#1a56c4}\
            .muted{color:#6a7285;font-size:.9rem}\
            @media (max-width:30rem){main{padding:.75rem}h1{font-size:1.35rem}dl{grid-template-columns:1fr}\
            dd{margin-bottom:.4rem}}""";

    /**
     * Nothing may load, run or frame the page; only its own style applies. No {@code form-action}: signing out
     * posts here and is redirected on to the issuer's end-session page, another origin.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src '" + hash(STYLE)
            + "'; img-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private HtmlPage() {
    }

    public static String render(Page page, String gatewayName) {
        StringBuilder html = new StringBuilder(2048);
        html.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"referrer\" content=\"no-referrer\">")
                .append("<meta name=\"robots\" content=\"noindex\">")
                .append("<title>").append(text(page.title())).append(" · ").append(text(gatewayName))
                .append("</title><style>").append(STYLE).append("</style></head>\n<body><main>")
                .append("<p class=\"brand\">").append(text(gatewayName)).append("</p>")
                .append("<div class=\"card\"><h1>").append(text(page.title())).append("</h1>")
                .append("<p class=\"status\">HTTP ").append(page.status()).append("</p>");
        if (page.reason() != null) {
            html.append("<p class=\"reason\" id=\"reason\">").append(text(page.reason())).append("</p>");
        }
        list(html, "ul", "details", page.details());
        if (!page.owners().isEmpty()) {
            html.append("<h2>").append(page.status() == 403 ? "Who decides" : "Who runs this application")
                    .append("</h2><ul id=\"owners\">");
            for (Page.Owner owner : page.owners()) {
                html.append("<li>");
                String link = safeLink(owner.link());
                if (link != null) {
                    html.append("<a href=\"").append(Encode.forHtml(link)).append("\">")
                            .append(text(owner.name())).append("</a>");
                } else {
                    html.append(text(owner.name()));
                }
                html.append("</li>");
            }
            html.append("</ul>");
        }
        if (page.requestForm() != null) {
            requestForm(html, page.requestForm());
        }
        if (!page.nextSteps().isEmpty()) {
            html.append("<h2>What you can do</h2>");
            list(html, "ol", "next", page.nextSteps());
        }
        html.append("<dl>");
        if (page.user() != null) {
            fact(html, "Signed in as", "user", page.user());
        }
        if (page.route() != null) {
            fact(html, "Application", "route", page.route());
        }
        fact(html, "Request id", "request-id", page.requestId());
        html.append("</dl>");
        if (page.signOutPath() != null && page.user() != null && page.signOutPath().startsWith("/")) {
            html.append("<form method=\"post\" action=\"").append(Encode.forHtml(page.signOutPath()))
                    .append("\"><button id=\"sign-out\" type=\"submit\">Sign out</button></form>");
        }
        html.append("</div></main></body></html>\n");
        return html.toString();
    }

    /** The "Request access" form of a 403 page: it posts to the access API, same origin. */
    private static void requestForm(StringBuilder html, Page.RequestForm form) {
        html.append("<h2>Request access</h2><form id=\"request-access\" method=\"post\" action=\"")
                .append(Encode.forHtmlAttribute(form.action())).append("\">")
                .append("<input type=\"hidden\" name=\"route\" value=\"").append(Encode.forHtmlAttribute(form.route()))
                .append("\"><label for=\"request-duration\">For how long</label>")
                .append("<select id=\"request-duration\" name=\"duration\">");
        for (Page.Choice choice : form.durations()) {
            html.append("<option value=\"").append(Encode.forHtmlAttribute(choice.value())).append('"')
                    .append(choice.selected() ? " selected" : "").append('>').append(text(choice.label()))
                    .append("</option>");
        }
        html.append("</select><label for=\"request-reason\">Why").append(form.reasonRequired() ? "" : " (optional)")
                .append("</label><textarea id=\"request-reason\" name=\"reason\" rows=\"3\" maxlength=\"")
                .append(form.maxReason()).append('"').append(form.reasonRequired() ? " required" : "")
                .append("></textarea><p><button id=\"request-submit\" type=\"submit\">Request access</button></p>")
                .append("</form>");
    }

    /** The document's head and the page's frame, up to the card's content; close with {@link #end}. */
    static StringBuilder start(String title, String gatewayName) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"referrer\" content=\"no-referrer\">")
                .append("<meta name=\"robots\" content=\"noindex\">")
                .append("<title>").append(text(title)).append(" · ").append(text(gatewayName))
                .append("</title><style>").append(STYLE).append("</style></head>\n<body><main>")
                .append("<p class=\"brand\">").append(text(gatewayName)).append("</p>");
        return html;
    }

    static String end(StringBuilder html) {
        return html.append("</main></body></html>\n").toString();
    }

    private static void list(StringBuilder html, String tag, String id, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        html.append('<').append(tag).append(" id=\"").append(id).append("\">");
        for (String item : items) {
            html.append("<li>").append(text(item)).append("</li>");
        }
        html.append("</").append(tag).append('>');
    }

    private static void fact(StringBuilder html, String label, String id, String value) {
        html.append("<dt>").append(label).append("</dt><dd id=\"").append(id).append("\"><code>").append(text(value))
                .append("</code></dd>");
    }

    static String text(String value) {
        return value == null ? "" : Encode.forHtml(value);
    }

    /** Only absolute http(s) links; anything else (javascript:, data:, relative) is shown as text. */
    private static String safeLink(String link) {
        if (link == null) {
            return null;
        }
        String lower = link.toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://") ? link : null;
    }

    private static String hash(String style) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(style.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
