package io.drawbridge.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Headers that proxies, identity-aware gateways, CDNs and TLS terminators set for the applications behind them,
 * by the product that sets them. Applications trust them because "the proxy set it", so a client must never be
 * able to send any of them through the gateway: each is removed from every request, in any letter case and with
 * {@code _} for {@code -}. A name ending in {@code *} is a prefix, used where a family has variants (Traefik's
 * {@code X-Forwarded-Tls-Client-Cert-Info}, nginx's {@code ssl_client_*}, Cloudflare's {@code Cf-*}).
 */
public final class ForbiddenHeaderFamilies {

    /** Family name to the names and prefixes it sets; the order is that of docs/security.md. */
    public static final Map<String, List<String>> FAMILIES = families();

    private ForbiddenHeaderFamilies() {
    }

    private static Map<String, List<String>> families() {
        Map<String, List<String>> f = new LinkedHashMap<>();
        f.put("Drawbridge", List.of("X-Drawbridge-*"));
        f.put("oauth2-proxy", List.of("X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups",
                "X-Forwarded-Preferred-Username", "X-Forwarded-Access-Token", "X-Auth-Request-*",
                "X-OAUTH2-PROXY-ID-TOKEN"));
        f.put("Pomerium", List.of("X-Pomerium-*"));
        f.put("Google IAP", List.of("X-Goog-Authenticated-User-*", "X-Goog-IAP-*"));
        f.put("AWS ALB", List.of("X-Amzn-Oidc-*", "X-Amzn-Mtls-*"));
        f.put("Azure App Service", List.of("X-MS-CLIENT-PRINCIPAL*", "X-MS-TOKEN-*"));
        f.put("mod_auth_openidc", List.of("OIDC_CLAIM_*", "OIDC_access_token", "OIDC_id_token"));
        f.put("remote-user conventions (Authelia, Kubernetes, Apache)", List.of("X-Remote-User", "Remote-User",
                "X-User", "X-Email", "X-Remote-Group", "X-Remote-Groups", "X-Remote-Email", "X-Remote-Extra-*",
                "Remote-Groups", "Remote-Email", "Remote-Name", "X-Auth-User", "X-Authenticated-*", "X-Userinfo"));
        f.put("Grafana and Gitea auth proxy", List.of("X-WEBAUTH-*"));
        f.put("Kong", List.of("X-Consumer-*", "X-Credential-*", "X-Anonymous-*"));
        f.put("authentik and Vouch", List.of("X-Authentik-*", "X-Vouch-*"));
        f.put("Traefik", List.of("X-Forwarded-Tls-Client-Cert*"));
        f.put("Envoy and Istio", List.of("X-Forwarded-Client-Cert*", "X-Envoy-*", "X-Istio-*"));
        f.put("nginx and HAProxy client certificates", List.of("X-SSL-*", "Ssl-Client-*", "X-Client-Cert*",
                "X-Client-Verify*", "X-Client-DN", "X-Client-S-DN", "X-Client-I-DN", "X-Client-Subject*",
                "X-Client-Issuer*", "X-Client-Serial*", "X-Client-Fingerprint*", "Client-Cert*"));
        f.put("IIS, ARR and ASP.NET Core", List.of("X-ARR-*", "MS-ASPNETCORE-*"));
        f.put("Cloudflare", List.of("Cf-*"));
        f.put("Akamai", List.of("Akamai-*", "X-Akamai-*"));
        f.put("Fastly", List.of("Fastly-*"));
        return Collections.unmodifiableMap(f);
    }

    /** Every name and prefix of every family. */
    static List<String> all() {
        return FAMILIES.values().stream().flatMap(List::stream).toList();
    }
}
