package io.drawbridge.authn.session;

import java.net.URI;
import org.apache.camel.Message;

/**
 * Proof that a state-changing browser request was sent by a page of this origin, as browsers send it and other
 * sites cannot: {@code Sec-Fetch-Site: same-origin}, or, from browsers without Fetch Metadata, an {@code Origin}
 * naming this host. Neither: not proven. Used by the sign-out form and the access-request forms.
 */
public final class SameOrigin {

    private SameOrigin() {
    }

    /** @param host the request's {@code Host} header as the client sent it */
    public static boolean proven(Message message, String host) {
        String site = message.getHeader("Sec-Fetch-Site", String.class);
        if (site != null) {
            return site.equalsIgnoreCase("same-origin");
        }
        String origin = message.getHeader("Origin", String.class);
        if (origin == null || host == null || origin.equals("null")) {
            return false;
        }
        try {
            URI uri = URI.create(origin.strip());
            return uri.getRawAuthority() != null && uri.getRawAuthority().equalsIgnoreCase(host.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
