package io.drawbridge.ops;

import io.drawbridge.config.KubernetesConfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The gateway's one Kubernetes API client, made on first use from the {@code kubernetes} section on top of what
 * fabric8 finds by itself (the pod's service account, or {@code ~/.kube/config}), so a gateway that names no
 * ConfigMap and no Service never reads a kubeconfig.
 */
public final class KubernetesConnection implements AutoCloseable {

    private final KubernetesConfig config;
    private KubernetesClient client;

    public KubernetesConnection(KubernetesConfig config) {
        this.config = config;
    }

    public synchronized KubernetesClient client() {
        if (client == null) {
            ConfigBuilder builder = new ConfigBuilder(Config.autoConfigure(null))
                    .withConnectionTimeout(5_000)
                    .withRequestTimeout(10_000)
                    // fabric8 retries a failed request for about 100 s by default: too long to refuse a start, and
                    // the periodic ConfigMap read would not notice the API server is gone. Informers retry anyway.
                    .withRequestRetryBackoffLimit(1)
                    .withRequestRetryBackoffInterval(200);
            if (config.masterUrl() != null) {
                builder.withMasterUrl(config.masterUrl());
            }
            if (config.namespace() != null) {
                builder.withNamespace(config.namespace());
            }
            client = new KubernetesClientBuilder().withConfig(builder.build()).build();
        }
        return client;
    }

    /** The configured namespace, else the pod's (or the kubeconfig context's), else {@code default}. */
    public String namespace() {
        if (config.namespace() != null) {
            return config.namespace();
        }
        String own = client().getNamespace();
        return own != null ? own : "default";
    }

    /** Where the API server is, for messages. */
    public String masterUrl() {
        return String.valueOf(client().getMasterUrl());
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
