package io.drawbridge.deploy;

import io.drawbridge.EndpointOption;
import io.drawbridge.edge.GatewayEndpoint;
import io.drawbridge.route.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/reference/steps.md} is generated from the options' one declaration ({@link Step},
 * {@link GatewayEndpoint#OPTIONS}); this test fails when the checked-in page differs. Regenerate it with
 * {@code mvn -q -o test -Dtest=StepReferenceTest -Ddrawbridge.regenerate=true}.
 */
class StepReferenceTest {

    static final String REGENERATE = "mvn -q -o test -Dtest=StepReferenceTest -Ddrawbridge.regenerate=true";

    @Test
    void theCheckedInReferenceIsWhatTheDeclarationsProduce() throws IOException {
        Path page = DeployFiles.project().resolve("docs/reference/steps.md");
        String expected = render();
        if (Boolean.getBoolean("drawbridge.regenerate")) {
            Files.createDirectories(page.getParent());
            Files.writeString(page, expected, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(page)).as(page + " is missing; run " + REGENERATE).isTrue();
        assertThat(Files.readString(page, StandardCharsets.UTF_8))
                .as("docs/reference/steps.md is out of date; run " + REGENERATE).isEqualTo(expected);
    }

    static String render() {
        List<KameletEndpoints.Use> kamelets = KameletEndpoints.all();
        StringBuilder md = new StringBuilder();
        md.append("# Steps and their options\n\n")
                .append("<!-- Generated from io.drawbridge.route.Step and GatewayEndpoint.OPTIONS; do not edit.\n")
                .append("     Regenerate: ").append(REGENERATE).append(" -->\n\n")
                .append("A protected route listens with `gateway:` and runs `drawbridge:` steps. Each option is"
                        + " declared once, in\nthe code; this page and the Kamelets' properties follow from that"
                        + " declaration (tests compare them).\nIn a route, options are URI parameters"
                        + " (`drawbridge:proxy?upstream=http://grafana:3000&stripPrefix=true`); with\nthe"
                        + " Kamelets, properties of the same name.\n");
        section(md, "gateway:<path-prefix>", "Where a route listens: a path prefix (and optionally a host) of the"
                + " gateway's listener. Every request is denied unless a later step authorizes it.",
                GatewayEndpoint.OPTIONS, kamelet(kamelets, "gateway:"));
        for (Step step : Step.values()) {
            section(md, "drawbridge:" + step.uriName(), step.summary(), step.options(),
                    kamelet(kamelets, "drawbridge:" + step.uriName()));
        }
        return md.toString();
    }

    private static String kamelet(List<KameletEndpoints.Use> uses, String endpoint) {
        return uses.stream().filter(u -> u.endpoint().equals(endpoint)).map(u -> "`" + u.kamelet() + "`")
                .collect(Collectors.joining(", "));
    }

    private static void section(StringBuilder md, String title, String summary, List<EndpointOption> options,
                                String kamelets) {
        md.append("\n## `").append(title).append("`\n\n").append(summary).append('\n');
        if (!kamelets.isEmpty()) {
            md.append("\nKamelet: ").append(kamelets).append(".\n");
        }
        if (options.isEmpty()) {
            md.append("\nNo options.\n");
            return;
        }
        md.append("\n| Option | Type | Default | Description |\n|---|---|---|---|\n");
        for (EndpointOption o : options) {
            String type = o.values().isEmpty() ? o.type().schema() : String.join(" \\| ", o.values());
            String fallback = o.required() ? "*required*" : o.defaultValue() == null ? ""
                    : "`" + o.defaultValue() + "`";
            md.append("| `").append(o.name()).append("` | ").append(type).append(" | ").append(fallback)
                    .append(" | ").append(cell(o.description())).append(" |\n");
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }
}
