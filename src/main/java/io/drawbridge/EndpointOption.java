package io.drawbridge;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One option of a {@code gateway:} or {@code drawbridge:} endpoint, declared once: its name, type, default and
 * description. The endpoint checks its parameters against these declarations; the reference page
 * ({@code docs/reference/steps.md}) is generated from them and the Kamelets' properties are tested against them.
 *
 * @param name         the URI parameter
 * @param type         how the value is written
 * @param defaultValue the value when the parameter is left out, as written in a URI; {@code null} for none
 * @param required     whether the endpoint refuses to start without it
 * @param values       the values allowed, for a choice; empty for any value of the type
 * @param description  what it does, for the reference and the Kamelets
 */
public record EndpointOption(String name, Type type, String defaultValue, boolean required, List<String> values,
                             String description) {

    /** How an option's value is written (the Kamelet property type of the same name). */
    public enum Type {
        STRING("string"), BOOLEAN("boolean"), INTEGER("integer");

        private final String schema;

        Type(String schema) {
            this.schema = schema;
        }

        /** The JSON Schema type, as a Kamelet declares the property. */
        public String schema() {
            return schema;
        }
    }

    public EndpointOption {
        values = List.copyOf(values);
    }

    /** Free text, without a default. */
    public static EndpointOption text(String name, String description) {
        return new EndpointOption(name, Type.STRING, null, false, List.of(), description);
    }

    /** Free text with a default. */
    public static EndpointOption text(String name, String defaultValue, String description) {
        return new EndpointOption(name, Type.STRING, defaultValue, false, List.of(), description);
    }

    /** Free text the endpoint cannot do without. */
    public static EndpointOption requiredText(String name, String description) {
        return new EndpointOption(name, Type.STRING, null, true, List.of(), description);
    }

    /** A boolean. */
    public static EndpointOption flag(String name, boolean defaultValue, String description) {
        return new EndpointOption(name, Type.BOOLEAN, String.valueOf(defaultValue), false, List.of(), description);
    }

    /** A whole number. */
    public static EndpointOption number(String name, long defaultValue, String description) {
        return new EndpointOption(name, Type.INTEGER, String.valueOf(defaultValue), false, List.of(), description);
    }

    /** A whole number without a fixed default (the endpoint works one out). */
    public static EndpointOption number(String name, String description) {
        return new EndpointOption(name, Type.INTEGER, null, false, List.of(), description);
    }

    /** One of a few words; the first is the default. */
    public static EndpointOption choice(String name, List<String> values, String description) {
        return new EndpointOption(name, Type.STRING, values.get(0), false, values, description);
    }

    /**
     * Checks an endpoint's parameters against its options: every name declared, every choice one of its values,
     * every required option given.
     *
     * @param endpoint what the messages call the endpoint, e.g. {@code drawbridge:proxy}
     * @param uri      the endpoint's URI, for the messages
     * @throws IllegalArgumentException naming the first problem
     */
    public static void check(String endpoint, String uri, List<EndpointOption> options, Map<String, Object> parameters) {
        Map<String, EndpointOption> byName = options.stream()
                .collect(Collectors.toMap(EndpointOption::name, o -> o));
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            EndpointOption option = byName.get(parameter.getKey());
            if (option == null) {
                throw new IllegalArgumentException(endpoint + " has no parameter '" + parameter.getKey() + "' (in "
                        + uri + "); it takes " + (options.isEmpty() ? "none"
                        : options.stream().map(EndpointOption::name).collect(Collectors.joining(", "))));
            }
            String value = String.valueOf(parameter.getValue());
            if (!option.values().isEmpty() && !option.values().contains(value)) {
                throw new IllegalArgumentException(endpoint + " " + option.name() + " must be "
                        + String.join(" or ", option.values()) + ", not '" + value + "'");
            }
        }
        for (EndpointOption option : options) {
            Object value = parameters.get(option.name());
            if (option.required() && (value == null || String.valueOf(value).isBlank())) {
                throw new IllegalArgumentException(endpoint + " needs " + option.name() + " ("
                        + option.description() + ")");
            }
        }
    }
}
