package io.drawbridge.page;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every value on the access page and the 403 page's request form is escaped for its context. */
class AccessPageTest {

    private static final String EVIL = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";

    @Test
    void escapesEveryValueTheRequesterOrTheCatalogChose() {
        var pending = new AccessPage.Pending(EVIL, EVIL, EVIL, EVIL, EVIL, "1h", List.of(EVIL), "3 min",
                AccessDurations.choices(Duration.ofHours(1), Duration.ofHours(1)));
        String html = AccessPage.render(new AccessPage.View(EVIL, "/logout", "/.drawbridge/access", List.of(pending),
                List.of(new AccessPage.Held(EVIL, EVIL, EVIL, EVIL)),
                List.of(new AccessPage.Asked(EVIL, EVIL, "1h", EVIL, "pending", EVIL)), List.of(EVIL)), EVIL);

        assertThat(html).doesNotContain("<script").doesNotContain("<img");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;"); // text
        assertThat(html).contains("id=\"pending-&#34;>&lt;script>"); // an attribute: its quote cannot be closed
        assertThat(html).contains("action=\"/.drawbridge/access/requests/%22%3E%3Cscript%3Ealert%281%29");
    }

    @Test
    void theRefusalPageOffersDurationsUpToTheMaximumWithTheDefaultChosen() {
        var form = new Page.RequestForm("/.drawbridge/access/requests", EVIL,
                AccessDurations.choices(Duration.ofHours(2), Duration.ofMinutes(45)), true, 1000);
        var page = new Page(403, "Access denied", "bob", null, "grafana", "r-1", "No.", List.of(), List.of(),
                List.of()).withRequestForm(form);

        String html = HtmlPage.render(page, "Drawbridge");

        assertThat(html).contains("<option value=\"15m\">", "<option value=\"45m\" selected>",
                "<option value=\"2h\">").doesNotContain("value=\"4h\"");
        assertThat(html).contains(" required></textarea>").doesNotContain("<script").doesNotContain("<img");
        assertThat(html).contains("name=\"route\" value=\"&#34;>&lt;script>");
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(AccessDurations.text(Duration.ofDays(1))).isEqualTo("1d");
        assertThat(AccessDurations.text(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(AccessDurations.text(Duration.ofSeconds(8))).isEqualTo("8s");
        assertThat(AccessDurations.waited(Duration.ofMinutes(3))).isEqualTo("3 min");
    }
}
