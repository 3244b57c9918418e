package io.drawbridge.config;

import java.util.List;

/** Route locations say where Camel loads them from: {@code file:} or {@code classpath:} and a path. */
final class RoutesCheck implements ConfigCheck {

    @Override
    public void check(GatewayConfig config, Problems problems) {
        List<String> routes = config.routes();
        for (int i = 0; i < routes.size(); i++) {
            String route = routes.get(i);
            String field = "routes[" + i + "]";
            if (route.isBlank()) {
                problems.add(field, "must not be empty");
            } else if (!hasLocation(route, "file:") && !hasLocation(route, "classpath:")) {
                problems.add(field, "must start with file: or classpath:, such as file:routes/*.yaml");
            }
        }
    }

    private static boolean hasLocation(String route, String prefix) {
        return route.startsWith(prefix) && route.length() > prefix.length();
    }
}
