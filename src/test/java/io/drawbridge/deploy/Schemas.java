package io.drawbridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;

/**
 * The schemas the deployable files must satisfy, read from the jars that publish them: Camel's YAML DSL schema
 * (camel-yaml-dsl), the Kamelet CRD (camel-kamelets-crds) and Camel K's CRDs (camel-k-crds). A CRD's
 * {@code openAPIV3Schema} is made strict the way {@code kubectl apply --validate=strict} is: an object with
 * declared properties accepts no other field unless it says {@code x-kubernetes-preserve-unknown-fields}.
 */
final class Schemas {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonSchemaFactory DRAFT4 = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

    private Schemas() {
    }

    /** Camel's YAML DSL: a route file is an array of route, routeTemplate, beans ... entries. */
    static JsonSchema camelYamlDsl() {
        return DRAFT4.getSchema(resource("schema/camelYamlDsl.json"));
    }

    static JsonSchema kameletCrd() {
        return crd("camel.apache.org_kamelets.yaml", "Kamelet", "v1");
    }

    /** Camel K 2.4.0's CRDs of that kind (Integration, Pipe, ...). */
    static JsonSchema camelKCrd(String kind) {
        return crd("camel.apache.org_" + kind.toLowerCase() + "s.yaml", kind, "v1");
    }

    /** Every message, as "path: message", so a failure names the field. */
    static List<String> problems(JsonSchema schema, JsonNode document) {
        return schema.validate(document).stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    private static JsonSchema crd(String file, String kind, String version) {
        JsonNode crd = resource(file);
        if (!crd.at("/spec/names/kind").asText().equals(kind)) {
            throw new IllegalStateException(file + " is not the CRD of " + kind);
        }
        for (JsonNode v : crd.at("/spec/versions")) {
            if (v.path("name").asText().equals(version)) {
                ObjectNode schema = ((ObjectNode) v.at("/schema/openAPIV3Schema")).deepCopy();
                return DRAFT4.getSchema(strict(schema));
            }
        }
        throw new IllegalStateException(file + " has no version " + version);
    }

    /** Closes every object that lists its properties, and drops the x-kubernetes-* hints a validator ignores. */
    static JsonNode strict(JsonNode schema) {
        if (!(schema instanceof ObjectNode node)) {
            return schema;
        }
        boolean open = node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            if (names.next().startsWith("x-")) {
                names.remove();
            }
        }
        if (node.has("properties")) {
            node.get("properties").forEach(Schemas::strict);
            if (!open && !node.has("additionalProperties")) {
                node.put("additionalProperties", false);
            }
        }
        if (node.get("additionalProperties") instanceof ObjectNode more) {
            strict(more);
        }
        strict(node.path("items"));
        for (String combinator : List.of("anyOf", "allOf", "oneOf")) {
            node.path(combinator).forEach(Schemas::strict);
        }
        return node;
    }

    private static JsonNode resource(String name) {
        try (InputStream in = Schemas.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the test classpath (see pom.xml)");
            }
            return name.endsWith(".json") ? new ObjectMapper().readTree(in) : YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
