package io.drawbridge.config;

/** Camel properties: a route refers to each as {@code {{name}}}, so a name cannot be empty. */
final class PropertiesCheck implements ConfigCheck {

    @Override
    public void check(GatewayConfig config, Problems problems) {
        for (String name : config.properties().keySet()) {
            if (name.isBlank()) {
                problems.add("properties." + name, "a property name must not be empty");
            }
        }
    }
}
