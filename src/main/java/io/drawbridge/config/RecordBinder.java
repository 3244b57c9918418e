package io.drawbridge.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Binds a located tree to the configuration records field by field, so that every unknown field and every bad
 * value is reported, not just the first. A field that cannot be bound is reported and left out, and its record
 * falls back to that field's default; the configuration is then refused anyway, but the other fields still get
 * checked. Names come from the record components (or their {@code @JsonProperty}); {@code @JsonIgnore}
 * components are not part of the file.
 */
final class RecordBinder {

    /** For value types this binder has no rule of its own for; Jackson's conversions from text apply. */
    private static final ObjectMapper JACKSON = new ObjectMapper();

    private final LocatedProblems problems;

    RecordBinder(LocatedProblems problems) {
        this.problems = problems;
    }

    <T extends Record> T bindRoot(Class<T> type, ObjectNode root) {
        Object bound = record(type, root, "");
        return type.cast(bound != null ? bound : emptyRecord(type));
    }

    /** @return the value, or {@code null} when it was reported as wrong */
    private Object bind(Type type, JsonNode node, String field) {
        Class<?> raw = raw(type);
        Object value;
        if (isScalar(raw) && node.isTextual()) {
            value = scalar(raw, node.textValue(), field);
        } else if (raw.isRecord() && !isScalar(raw) && node.isObject()) {
            value = record(raw, (ObjectNode) node, field);
        } else if (raw == List.class && node.isArray()) {
            value = list(argument(type, 0), (ArrayNode) node, field);
        } else if (raw == Map.class && node.isObject()) {
            value = map(argument(type, 1), (ObjectNode) node, field);
        } else {
            problems.add(field, "expected " + expected(type) + ", found " + kind(node));
            value = null;
        }
        if (value == null) {
            problems.unbound(field);
        }
        return value;
    }

    private Object record(Class<?> type, ObjectNode node, String path) {
        RecordComponent[] components = type.getRecordComponents();
        Map<String, Integer> index = fieldIndex(components);
        Object[] arguments = new Object[components.length];
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String field = LocatedProblems.child(path, entry.getKey());
            Integer i = index.get(entry.getKey());
            if (i == null) {
                unknown(entry.getKey(), field, path, index.keySet());
            } else if (!entry.getValue().isNull() && !problems.isUnbound(field)) {
                arguments[i] = bind(components[i].getGenericType(), entry.getValue(), field);
            }
        }
        try {
            return canonicalConstructor(type).newInstance(arguments);
        } catch (InvocationTargetException e) {
            problems.add(path.isEmpty() ? LocatedProblems.FILE : path, String.valueOf(e.getCause().getMessage()));
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getName(), e);
        }
    }

    private List<Object> list(Type elementType, ArrayNode node, String path) {
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String field = LocatedProblems.element(path, i);
            Object value;
            if (problems.isUnbound(field)) {
                value = null; // already reported: an unresolved placeholder or an alias
            } else if (node.get(i).isNull()) {
                problems.add(field, "empty list entry");
                problems.unbound(field);
                value = null;
            } else {
                value = bind(elementType, node.get(i), field);
            }
            // A stand-in keeps the later entries at the index the checks report them by.
            Object kept = value != null ? value : standIn(elementType);
            if (kept != null) {
                list.add(kept);
            }
        }
        return list;
    }

    private Map<String, Object> map(Type valueType, ObjectNode node, String path) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String field = LocatedProblems.child(path, entry.getKey());
            Object value;
            if (problems.isUnbound(field)) {
                value = null; // already reported: an unresolved placeholder or an alias
            } else if (!entry.getValue().isNull()) {
                value = bind(valueType, entry.getValue(), field);
            } else if (!isScalar(raw(valueType)) && raw(valueType).isRecord()) {
                value = emptyRecord(raw(valueType)); // "name:" with nothing under it, as "name: {}"
            } else {
                problems.add(field, "has no value (write '' for an empty text)");
                problems.unbound(field);
                value = null;
            }
            Object kept = value != null ? value : standIn(valueType);
            if (kept != null) {
                map.put(entry.getKey(), kept);
            }
        }
        return map;
    }

    private Object scalar(Class<?> type, String text, String field) {
        try {
            return convert(type, text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            problems.add(field, shown(field, text) + " is not " + expected(type));
            return null;
        }
    }

    private static Object convert(Class<?> type, String text) {
        if (type == String.class) {
            return text;
        } else if (type == Integer.class || type == int.class) {
            return Integer.valueOf(text.trim());
        } else if (type == Long.class || type == long.class) {
            return Long.valueOf(text.trim());
        } else if (type == Boolean.class || type == boolean.class) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("not a boolean");
            };
        } else if (type == Duration.class) {
            return ConfigDuration.parse(text);
        } else if (type == ByteSize.class) {
            return ByteSize.parse(text);
        }
        return JACKSON.convertValue(text, type);
    }

    private void unknown(String name, String field, String path, Set<String> valid) {
        String hint = NearestName.to(name, valid).map(n -> "; did you mean '" + n + "'?").orElse(".");
        problems.add(field, (path.isEmpty() ? "unknown section '" : "unknown field '") + name + "'" + hint
                + (path.isEmpty() ? " Valid sections: " : " Valid fields here: ") + String.join(", ", valid));
    }

    /** How a value appears in a message: quoted when written in the file, by its variables when resolved. */
    private String shown(String field, String text) {
        List<String> variables = problems.variablesOf(field);
        if (!variables.isEmpty()) {
            return "the value of " + String.join(" and ", variables.stream().map(v -> "${" + v + "}").toList());
        }
        return "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
    }

    /** Written as one scalar; {@link ByteSize} is a record, but its configuration form is text such as 64k. */
    private static boolean isScalar(Class<?> type) {
        return type == ByteSize.class || !type.isRecord() && type != List.class && type != Map.class;
    }

    private static String expected(Type type) {
        Class<?> raw = raw(type);
        if (raw.isRecord() && !isScalar(raw)) {
            return "a mapping with fields " + String.join(", ", fieldIndex(raw.getRecordComponents()).keySet());
        } else if (raw == List.class) {
            return "a list";
        } else if (raw == Map.class) {
            return "a mapping";
        } else if (raw == String.class) {
            return "text";
        } else if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            return "a whole number";
        } else if (raw == Boolean.class || raw == boolean.class) {
            return "true or false";
        } else if (raw == Duration.class) {
            return "a duration (" + ConfigDuration.EXAMPLES + ")";
        } else if (raw == ByteSize.class) {
            return "a size (8192, 64k, 16KiB, 200m, 1g)";
        }
        return "a " + raw.getSimpleName();
    }

    static String kind(JsonNode node) {
        return node.isArray() ? "a list" : node.isObject() ? "a mapping" : node.isNull() ? "nothing" : "text";
    }

    private static Map<String, Integer> fieldIndex(RecordComponent[] components) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            Method accessor = component.getAccessor();
            if (accessor.isAnnotationPresent(JsonIgnore.class)) {
                continue;
            }
            JsonProperty renamed = accessor.getAnnotation(JsonProperty.class);
            index.put(renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName(), i);
        }
        return index;
    }

    private static Object standIn(Type type) {
        Class<?> raw = raw(type);
        if (raw.isRecord() && !isScalar(raw)) {
            return emptyRecord(raw);
        }
        return raw == String.class ? "" : raw == List.class ? List.of() : raw == Map.class ? Map.of() : null;
    }

    private static Object emptyRecord(Class<?> type) {
        try {
            return canonicalConstructor(type).newInstance(new Object[type.getRecordComponents().length]);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static Constructor<?> canonicalConstructor(Class<?> type) throws NoSuchMethodException {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        return type.getDeclaredConstructor(types);
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Type argument(Type type, int i) {
        return type instanceof ParameterizedType p ? p.getActualTypeArguments()[i] : Object.class;
    }
}
