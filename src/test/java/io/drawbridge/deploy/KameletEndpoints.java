package io.drawbridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.EndpointOption;
import io.drawbridge.edge.GatewayEndpoint;
import io.drawbridge.route.Step;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Drawbridge endpoints the Kamelets in kamelets/ use, with the parameters each passes on. */
final class KameletEndpoints {

    /** One use of an endpoint in a Kamelet's template: {@code gateway:} or {@code drawbridge:<step>}. */
    record Use(Path file, String kamelet, String endpoint, Map<String, String> parameters, JsonNode definition) {

        /** The options the endpoint declares. */
        List<EndpointOption> options() {
            if (endpoint.equals("gateway:")) {
                return GatewayEndpoint.OPTIONS;
            }
            Step step = Step.named(endpoint.substring("drawbridge:".length()));
            if (step == null) {
                throw new AssertionError(kamelet + " uses unknown step " + endpoint);
            }
            return step.options();
        }
    }

    private KameletEndpoints() {
    }

    static List<Use> all() {
        List<Use> uses = new ArrayList<>();
        for (Path file : DeployFiles.yamlFiles("kamelets")) {
            JsonNode kamelet = DeployFiles.documents(file).get(0);
            String name = kamelet.at("/metadata/name").asText();
            JsonNode definition = kamelet.at("/spec/definition");
            JsonNode from = kamelet.at("/spec/template/from");
            add(uses, file, name, definition, from);
            for (JsonNode step : from.path("steps")) {
                JsonNode to = step.get("to");
                if (to != null) {
                    add(uses, file, name, definition, to);
                }
            }
        }
        return uses;
    }

    private static void add(List<Use> uses, Path file, String name, JsonNode definition, JsonNode node) {
        String uri = node.isTextual() ? node.asText() : node.path("uri").asText();
        String endpoint = uri.startsWith("gateway:") ? "gateway:"
                : uri.startsWith("drawbridge:") ? uri.replaceFirst("\\?.*", "") : null;
        if (endpoint == null) {
            return;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        node.path("parameters").fields().forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().asText()));
        uses.add(new Use(file, name, endpoint, parameters, definition));
    }
}
