package io.drawbridge.page;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Explanation;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.drawbridge.page.PageFixtures.caller;
import static io.drawbridge.page.PageFixtures.explain;
import static io.drawbridge.page.PageFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile group names, user names, route ids, paths and owners on every page: each stays text. The only tags in
 * a page are the renderer's own, and no attribute but the renderer's.
 */
class HtmlPageEscapingTest {

    private static final List<String> HOSTILE = List.of(
            "<script>alert(1)</script>",
            "\"><img src=x onerror=alert(1)>",
            "'onmouseover='alert(1)",
            "</title><svg onload=alert(1)>",
            "javascript:alert(1)",
            "&lt;already-escaped&gt;",
            "{{constructor.constructor('alert(1)')()}}",
            "\u2028<b>line</b>\u0000");
    private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z0-9!]+)([^>]*)>");
    private static final List<String> OUR_TAGS = List.of("!doctype", "html", "head", "meta", "title", "style",
            "body", "main", "p", "div", "h1", "h2", "ul", "ol", "li", "a", "dl", "dt", "dd", "code", "form", "button");
    private static final Pattern OUR_ATTRIBUTES = Pattern.compile(
            "( (lang|charset|name|content|class|id|href|method|action|type)=\"[^\"<>]*\")*\\s*");

    static Stream<String> hostile() {
        return HOSTILE.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void everyPageKeepsHostileValuesAsText(String evil) {
        Identity caller = caller("bob" + evil, "group" + evil, "sales");
        var policy = policy("app", """
                explain: full
                allow:
                  - name: "rule%s"
                    groups: ["team%s"]
                    paths: ["/x/**"]
                """.formatted(evil.replace("\"", "\\\"").replace("\u0000", ""),
                evil.replace("\"", "\\\"").replace("\u0000", "")));
        Explanation explanation = explain(policy, "GET", "/p" + evil, caller);
        PageSettings settings = new PageSettings("Gate" + evil, "/oauth2/logout", "https://portal.example.com",
                id -> null);
        RouteOwner owner = new RouteOwner("component:default/x" + evil, "group:default/o" + evil);
        for (int status : new int[] {401, 403, 404, 413, 429, 502, 503, 504}) {
            Reason reason = status == 403 ? explanation.decision().reason() : Reason.INTERNAL_ERROR;
            Page page = RefusalPages.of(status, reason, "id" + evil, caller, "route" + evil,
                    status == 403 ? explanation : null, owner, settings);
            String html = HtmlPage.render(page, settings.gatewayName());
            assertOnlyOurMarkup(html, status);
            assertThat(html).as("status %d", status).doesNotContain("href=\"javascript").doesNotContain("<script>")
                    .doesNotContain("<img").doesNotContain("<svg").doesNotContain("<b>")
                    .doesNotContain("'onmouseover");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void aHostilePortalLinkIsNeverALink(String evil) {
        Page page = new Page(403, "t", "u", null, null, "r", "x", List.of(),
                List.of(new Page.Owner("o", "javascript:alert(1)//" + evil), new Page.Owner("p", "https://ok/" + evil)),
                List.of());
        String html = HtmlPage.render(page, "G");
        assertThat(html).doesNotContain("href=\"javascript");
        assertOnlyOurMarkup(html, 403);
    }

    private static void assertOnlyOurMarkup(String html, int status) {
        String body = html.substring(html.indexOf("</style>") + "</style>".length());
        Matcher m = TAG.matcher(body);
        while (m.find()) {
            assertThat(OUR_TAGS).as("tag <%s> on the %d page", m.group(2), status).contains(m.group(2).toLowerCase());
            assertThat(OUR_ATTRIBUTES.matcher(m.group(3)).matches())
                    .as("attributes %s of <%s> on the %d page", m.group(3), m.group(2), status).isTrue();
        }
        assertThat(html.indexOf("<script")).isNegative();
    }
}
