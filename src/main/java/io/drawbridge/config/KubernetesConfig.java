package io.drawbridge.config;

import java.time.Duration;

/**
 * How the gateway reaches the Kubernetes API server, for routes from ConfigMaps ({@code routes: [configmap:NAME]})
 * and upstreams discovered from Services ({@code upstream=k8s://service.namespace:port}). Without this section
 * the client configures itself the way {@code kubectl} does: in a pod from its service account, elsewhere from
 * {@code ~/.kube/config}.
 *
 * @param masterUrl     the API server, e.g. {@code https://kubernetes.default.svc}; default from the service
 *                      account or kubeconfig
 * @param namespace     the namespace of ConfigMaps and Services named without one; default the pod's own
 *                      namespace (or the kubeconfig context's), else {@code default}
 * @param resync        how often a ConfigMap is read again besides being watched: catches up after a lost watch
 *                      and tells whether the API server is reachable; default 30s
 * @param routesFolder  where the {@code *.yaml} keys of route ConfigMaps are written as route files, one folder
 *                      per ConfigMap; must be writable (an {@code emptyDir} under a read-only root file system);
 *                      default {@code .drawbridge/configmap}
 */
public record KubernetesConfig(String masterUrl, String namespace, Duration resync, String routesFolder) {

    public KubernetesConfig {
        resync = resync == null ? Duration.ofSeconds(30) : resync;
        routesFolder = routesFolder == null ? ".drawbridge/configmap" : routesFolder;
    }

    public static KubernetesConfig defaults() {
        return new KubernetesConfig(null, null, null, null);
    }
}
