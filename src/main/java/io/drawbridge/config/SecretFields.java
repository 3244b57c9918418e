package io.drawbridge.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Fields that hold secrets must be environment placeholders in the file ({@code ${NAME}}), never literals: a
 * configuration file is copied, committed and printed far more often than an environment is. Runs on the parsed
 * tree before the placeholders are replaced.
 */
final class SecretFields {

    private SecretFields() {
    }

    static void check(ObjectNode root, Problems problems) {
        JsonNode login = root.path("login");
        placeholder(login.path("clientSecret"), "login.clientSecret", problems);
        JsonNode keys = login.path("session").path("keys");
        for (int i = 0; i < keys.size(); i++) {
            placeholder(keys.get(i), "login.session.keys[" + i + "]", problems);
        }
        placeholder(root.path("access").path("store").path("password"), "access.store.password", problems);
    }

    private static void placeholder(JsonNode value, String field, Problems problems) {
        if (value.isTextual() && !value.textValue().contains("${")) {
            problems.add(field, "is a secret: give it as an environment placeholder such as ${DRAWBRIDGE_"
                    + (field.contains("keys") ? "SESSION_KEY" : field.startsWith("access") ? "ACCESS_DB_PASSWORD"
                    : "CLIENT_SECRET") + "}, never as a literal");
        } else if (!value.isMissingNode() && !value.isNull() && !value.isTextual()) {
            problems.add(field, "must be an environment placeholder such as ${NAME}");
        }
    }
}
