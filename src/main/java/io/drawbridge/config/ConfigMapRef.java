package io.drawbridge.config;

/**
 * A route location {@code configmap:NAME} or {@code configmap:NAMESPACE/NAME}: a ConfigMap whose {@code *.yaml}
 * keys are route files.
 *
 * @param namespace the namespace, or {@code null} for the one of the {@code kubernetes} section
 * @param name      the ConfigMap's name
 */
public record ConfigMapRef(String namespace, String name) {

    public static final String PREFIX = "configmap:";

    public static boolean isConfigMap(String location) {
        return location.startsWith(PREFIX);
    }

    /** @throws IllegalArgumentException saying what is wrong, when the names are not ones Kubernetes accepts */
    public static ConfigMapRef parse(String location) {
        String rest = location.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String namespace = slash < 0 ? null : rest.substring(0, slash);
        String name = slash < 0 ? rest : rest.substring(slash + 1);
        if (namespace != null && !KubernetesCheck.LABEL.matcher(namespace).matches()) {
            throw new IllegalArgumentException("'" + namespace + "' is not a namespace name (lower-case letters,"
                    + " digits and '-', at most 63); write configmap:NAME or configmap:NAMESPACE/NAME");
        }
        if (!KubernetesCheck.SUBDOMAIN.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a ConfigMap name (lower-case letters, digits,"
                    + " '-' and '.'); write configmap:NAME or configmap:NAMESPACE/NAME");
        }
        return new ConfigMapRef(namespace, name);
    }

    /** The namespace, or {@code fallback} when the location named none. */
    public String namespaceOr(String fallback) {
        return namespace != null ? namespace : fallback;
    }
}
