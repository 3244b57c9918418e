package io.drawbridge.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Route locations say where routes come from: {@code file:} or {@code classpath:} and a path, or
 * {@code configmap:[NAMESPACE/]NAME} for a Kubernetes ConfigMap, named once.
 */
final class RoutesCheck implements ConfigCheck {

    @Override
    public void check(GatewayConfig config, Problems problems) {
        List<String> routes = config.routes();
        Set<String> configMaps = new HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            String route = routes.get(i);
            String field = "routes[" + i + "]";
            if (route.isBlank()) {
                problems.add(field, "must not be empty");
            } else if (ConfigMapRef.isConfigMap(route)) {
                try {
                    ConfigMapRef ref = ConfigMapRef.parse(route);
                    if (!configMaps.add(ref.namespaceOr(config.kubernetes().namespace()) + "/" + ref.name())) {
                        problems.add(field, "names the same ConfigMap as an earlier entry");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(field, e.getMessage());
                }
            } else if (!hasLocation(route, "file:") && !hasLocation(route, "classpath:")) {
                problems.add(field, "must start with file:, classpath: or configmap:, such as file:routes/*.yaml"
                        + " or configmap:drawbridge-routes");
            }
        }
    }

    private static boolean hasLocation(String route, String prefix) {
        return route.startsWith(prefix) && route.length() > prefix.length();
    }
}
