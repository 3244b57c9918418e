package io.drawbridge.proxy;

import java.util.regex.Pattern;

/**
 * An upstream given as a Kubernetes Service: {@code k8s://service[.namespace]:port[/base-path]}, where port is the
 * Service's port number or name (as in the Service's {@code spec.ports}, not the pods' target port).
 *
 * @param namespace the Service's namespace (the configured one when the URL names none)
 * @param service   the Service's name
 * @param port      the Service port's number or name
 * @param basePath  path prefix put before the forwarded path, without trailing slash ("" for none)
 */
public record ServiceAddress(String namespace, String service, String port, String basePath) {

    public static final String SCHEME = "k8s://";

    private static final Pattern SERVICE = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?");
    private static final Pattern PATH = Pattern.compile("(/[-._~!$&'()*+,;=:@%A-Za-z0-9]*)*");

    public static boolean isService(String upstream) {
        return upstream.startsWith(SCHEME);
    }

    /** @throws IllegalArgumentException saying what is wrong and what a right one looks like */
    public static ServiceAddress parse(String url, String defaultNamespace) {
        String rest = url.trim().substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        int colon = authority.lastIndexOf(':');
        if (colon < 0) {
            throw invalid(url, "needs the Service's port (number or name)");
        }
        String host = authority.substring(0, colon);
        String port = authority.substring(colon + 1);
        int dot = host.indexOf('.');
        String service = dot < 0 ? host : host.substring(0, dot);
        String namespace = dot < 0 ? defaultNamespace : host.substring(dot + 1);
        if (!SERVICE.matcher(service).matches()) {
            throw invalid(url, "'" + service + "' is not a Service name");
        }
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw invalid(url, "'" + namespace + "' is not a namespace name");
        }
        if (!isPort(port)) {
            throw invalid(url, "'" + port + "' is neither a port number nor a port name");
        }
        if (path.contains("?") || path.contains("#") || !PATH.matcher(path).matches()) {
            throw invalid(url, "the base path must be a plain path, without query or fragment");
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new ServiceAddress(namespace, service, port, path);
    }

    private static boolean isPort(String port) {
        if (port.chars().allMatch(Character::isDigit) && !port.isEmpty() && port.length() <= 5) {
            int n = Integer.parseInt(port);
            return n > 0 && n < 65536;
        }
        return PORT_NAME.matcher(port).matches() && port.chars().anyMatch(Character::isLetter);
    }

    private static IllegalArgumentException invalid(String url, String why) {
        return new IllegalArgumentException("upstream '" + url + "': " + why
                + "; write k8s://service.namespace:port[/base-path]");
    }

    /** The Service's cluster DNS name, as clients inside the cluster address it. */
    public String dnsName() {
        return service + "." + namespace + ".svc";
    }

    @Override
    public String toString() {
        return SCHEME + service + "." + namespace + ":" + port + basePath;
    }
}
