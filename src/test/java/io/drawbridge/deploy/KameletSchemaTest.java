package io.drawbridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.networknt.schema.JsonSchema;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Kamelet in kamelets/ is a Kamelet Camel K accepts (the CRD of camel-kamelets-crds, strictly), its template
 * is valid Camel YAML DSL, and its properties and placeholders agree. {@code DeployedRoutesIT} loads them for real.
 */
class KameletSchemaTest {

    private static final JsonSchema KAMELET = Schemas.kameletCrd();
    private static final JsonSchema YAML_DSL = Schemas.camelYamlDsl();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\??([A-Za-z0-9_.-]+)(?::[^}]*)?}}");

    static List<Path> kamelets() {
        return DeployFiles.yamlFiles("kamelets");
    }

    @ParameterizedTest
    @MethodSource("kamelets")
    void isAValidKameletResource(Path file) {
        List<JsonNode> docs = DeployFiles.documents(file);
        assertThat(docs).hasSize(1);
        assertThat(Schemas.problems(KAMELET, docs.get(0))).as(file.toString()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("kamelets")
    void isNamedForItsFileAndType(Path file) {
        JsonNode kamelet = DeployFiles.documents(file).get(0);
        String name = kamelet.at("/metadata/name").asText();
        assertThat(file.getFileName().toString()).isEqualTo(name + ".kamelet.yaml");
        String type = kamelet.at("/metadata/labels/camel.apache.org~1kamelet.type").asText();
        assertThat(type).isIn("source", "action", "sink");
        assertThat(name).startsWith("drawbridge-").endsWith("-" + type);
    }

    @ParameterizedTest
    @MethodSource("kamelets")
    void templateIsValidYamlDsl(Path file) {
        JsonNode template = DeployFiles.documents(file).get(0).at("/spec/template");
        assertThat(template.has("from")).as("template.from").isTrue();
        var routes = JsonNodeFactory.instance.arrayNode();
        routes.addObject().putObject("route").set("from", template.get("from"));
        assertThat(Schemas.problems(YAML_DSL, routes)).as(file.toString()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("kamelets")
    void everyPlaceholderIsADeclaredPropertyAndEveryRequiredOneIsUsed(Path file) {
        JsonNode kamelet = DeployFiles.documents(file).get(0);
        Set<String> declared = new TreeSet<>();
        kamelet.at("/spec/definition/properties").fieldNames().forEachRemaining(declared::add);
        Set<String> used = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(kamelet.at("/spec/template").toString());
        while (m.find()) {
            used.add(m.group(1));
        }
        assertThat(declared).as("properties of " + file.getFileName()).containsAll(used);
        Set<String> required = new HashSet<>();
        kamelet.at("/spec/definition/required").forEach(r -> required.add(r.asText()));
        assertThat(used).containsAll(required);
        // A required property with a default would never be asked for.
        required.forEach(r -> assertThat(kamelet.at("/spec/definition/properties/" + r).has("default"))
                .as(r + " is required and has a default").isFalse());
    }

    @Test
    void everyStageOfTheRequestHasAKamelet() {
        Set<String> names = new TreeSet<>();
        kamelets().forEach(f -> names.add(DeployFiles.documents(f).get(0).at("/metadata/name").asText()));
        assertThat(names).contains("drawbridge-http-source", "drawbridge-authenticate-action",
                "drawbridge-enrich-action", "drawbridge-authorize-action", "drawbridge-proxy-sink",
                "drawbridge-audit-sink");
    }

    @Test
    void aKameletWithAnUnknownFieldIsRefused() {
        JsonNode kamelet = DeployFiles.documents(kamelets().get(0)).get(0).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) kamelet.at("/spec/definition")).put("titel", "typo");
        assertThat(Schemas.problems(KAMELET, kamelet)).anySatisfy(p -> assertThat(p).contains("titel"));
    }
}
