package io.drawbridge.page;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * What pages need from the configuration.
 *
 * @param gatewayName shown at the top of every page
 * @param signOutPath {@code login.logoutPath} when browser sign-in is configured, else {@code null}
 * @param portalUrl   {@code catalog.backstage.portalUrl}: the developer portal owners are linked to, or {@code null}
 * @param owners      a route's owner by route id, or {@code null} when unknown; must answer at once (no I/O)
 */
public record PageSettings(String gatewayName, String signOutPath, String portalUrl,
                           Function<String, RouteOwner> owners) {

    /** No sign-in, no catalog. */
    public static final PageSettings DEFAULT = new PageSettings("Drawbridge", null, null, id -> null);

    public PageSettings {
        gatewayName = gatewayName == null ? "Drawbridge" : gatewayName;
        owners = owners == null ? id -> null : owners;
    }

    /**
     * The portal page of an entity ref ({@code kind:namespace/name}), Backstage's {@code /catalog/ns/kind/name},
     * or {@code null} without a portal.
     */
    public String portalLink(String ref) {
        if (portalUrl == null || ref == null || ref.indexOf(':') < 1 || ref.indexOf('/') < 0) {
            return null;
        }
        String kind = ref.substring(0, ref.indexOf(':'));
        String namespace = ref.substring(ref.indexOf(':') + 1, ref.indexOf('/'));
        String name = ref.substring(ref.indexOf('/') + 1);
        String base = portalUrl.endsWith("/") ? portalUrl.substring(0, portalUrl.length() - 1) : portalUrl;
        return base + "/catalog/" + segment(namespace) + "/" + segment(kind) + "/" + segment(name);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
