package io.drawbridge.edge;

/** Reads the client address out of an {@code X-Forwarded-For} chain that arrived through trusted proxies. */
final class ForwardedFor {

    private ForwardedFor() {
    }

    /**
     * The right-most address in the chain that is not itself a trusted proxy: everything left of it was written
     * by parties the gateway cannot vouch for.
     */
    static String clientFrom(String chain, String peerIp, TrustedProxies trusted) {
        String[] hops = chain.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (TrustedProxies.parseLiteral(hop) == null) {
                return peerIp; // garbage in the chain: believe only the connection
            }
            if (!trusted.isTrusted(hop)) {
                return hop;
            }
        }
        return hops.length > 0 ? hops[0].trim() : peerIp;
    }
}
