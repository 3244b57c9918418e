package io.drawbridge.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes manifests as fabric8's typed models, strictly: a kind fabric8 does not know, or any field its model
 * does not have (fabric8 keeps those in {@code additionalProperties}), is a problem, as the API server's strict
 * field validation would make it.
 */
final class Fabric8Models {

    private static final KubernetesSerialization K8S = new KubernetesSerialization();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fabric8Models() {
    }

    static HasMetadata typed(JsonNode document) {
        try {
            HasMetadata resource = K8S.unmarshal(JSON.writeValueAsString(document)); // JSON: no YAML parser needed
            if (resource instanceof GenericKubernetesResource) {
                throw new AssertionError("not a Kubernetes kind fabric8 knows: " + document.path("apiVersion").asText()
                        + " " + document.path("kind").asText());
            }
            return resource;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Converts a part of a document (a pod template inside a Camel K resource, say) to a model type. */
    static <T> T typed(JsonNode node, Class<T> type) {
        return K8S.convertValue(node, type);
    }

    /** Every field the models did not know, as "path: [names]". */
    static List<String> unknownFields(Object model) {
        List<String> found = new ArrayList<>();
        walk(model, model.getClass().getSimpleName(), found);
        return found;
    }

    @SuppressWarnings("unchecked")
    private static void walk(Object value, String path, List<String> found) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", found);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, found));
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object child;
                try {
                    child = field.get(value);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (field.getName().equals("additionalProperties")) {
                    if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        found.add(path + ": " + extra.keySet());
                    }
                } else {
                    walk(child, path + "." + field.getName(), found);
                }
            }
        }
    }
}
