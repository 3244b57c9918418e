package io.drawbridge.audit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/** The name a gateway writes into its audit records: configured, else the pod or host name. */
public final class InstanceName {

    private InstanceName() {
    }

    /**
     * @param configured {@code audit.instance}, or {@code null}
     * @param env        the process environment ({@code HOSTNAME} is the pod name in Kubernetes and Docker)
     */
    public static String of(String configured, Map<String, String> env) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String hostname = env.get("HOSTNAME");
        if (hostname != null && !hostname.isBlank()) {
            return hostname;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
