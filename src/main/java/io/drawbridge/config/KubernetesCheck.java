package io.drawbridge.config;

import java.util.regex.Pattern;

/**
 * The kubernetes section: an http(s) API server URL without credentials, a namespace that Kubernetes would
 * accept, a positive resync interval and a routes folder.
 */
final class KubernetesCheck implements ConfigCheck {

    /** RFC 1123 label: what Kubernetes accepts as a namespace name. */
    static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** RFC 1123 subdomain: what Kubernetes accepts as a ConfigMap or Service name. */
    static final Pattern SUBDOMAIN = Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?"
            + "(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    @Override
    public void check(GatewayConfig config, Problems problems) {
        KubernetesConfig kubernetes = config.kubernetes();
        if (kubernetes.masterUrl() != null && !CatalogCheck.isHttpBaseUrl(kubernetes.masterUrl())) {
            problems.add("kubernetes.masterUrl", "must be an absolute http(s) URL without credentials, query or"
                    + " fragment, e.g. https://kubernetes.default.svc");
        }
        if (kubernetes.namespace() != null && !LABEL.matcher(kubernetes.namespace()).matches()) {
            problems.add("kubernetes.namespace", "'" + kubernetes.namespace() + "' is not a namespace name"
                    + " (lower-case letters, digits and '-', at most 63)");
        }
        if (kubernetes.resync().isZero() || kubernetes.resync().isNegative()) {
            problems.add("kubernetes.resync", "must be longer than 0");
        }
        if (kubernetes.routesFolder().isBlank()) {
            problems.add("kubernetes.routesFolder", "must not be empty");
        }
    }
}
