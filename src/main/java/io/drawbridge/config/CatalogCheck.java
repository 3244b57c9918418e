package io.drawbridge.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The catalog section, when there is one: exactly one source, a Backstage URL that is absolute http(s) without
 * credentials, a token, positive durations, and known values for {@code match} and {@code unknownUser}.
 * Files are not looked at here: a missing catalog folder is reported when the catalog is first read.
 */
public final class CatalogCheck implements ConfigCheck {

    public static final Set<String> MATCHES = Set.of("email", "name");
    public static final Set<String> UNKNOWN_USERS = Set.of("claims-only", "deny");

    @Override
    public void check(GatewayConfig config, Problems problems) {
        CatalogConfig catalog = config.catalog();
        if (catalog == null) {
            return;
        }
        if (catalog.backstage() != null && catalog.files() != null) {
            problems.add("catalog", "set backstage or files, not both");
        } else if (catalog.backstage() == null && catalog.files() == null) {
            problems.add("catalog", "set backstage (url and token of a Backstage backend) or files"
                    + " (catalog-info.yaml files, e.g. /etc/drawbridge/catalog/*.yaml)");
        }
        if (catalog.backstage() != null) {
            backstage(catalog.backstage(), problems);
        }
        if (catalog.files() != null && catalog.files().isBlank()) {
            problems.add("catalog.files", "must not be empty");
        }
        if (!MATCHES.contains(catalog.match())) {
            problems.add("catalog.match", "must be email or name");
        }
        if (catalog.claim() != null && (catalog.claim().isBlank() || !catalog.match().equals("name"))) {
            problems.add("catalog.claim", catalog.claim().isBlank() ? "must not be empty"
                    : "applies to match: name only (with match: email the e-mail claim of the issuer is used)");
        }
        if (!UNKNOWN_USERS.contains(catalog.unknownUser())) {
            problems.add("catalog.unknownUser", "must be claims-only or deny");
        }
        positive(catalog.ttl(), "catalog.ttl", problems);
        positive(catalog.maxStaleness(), "catalog.maxStaleness", problems);
        positive(catalog.pollInterval(), "catalog.pollInterval", problems);
        if (catalog.ttl().compareTo(Duration.ZERO) > 0 && catalog.maxStaleness().compareTo(Duration.ZERO) > 0
                && catalog.maxStaleness().compareTo(catalog.ttl()) < 0) {
            problems.add("catalog.maxStaleness", "must not be shorter than catalog.ttl");
        }
        if (catalog.maxCachedUsers() < 1) {
            problems.add("catalog.maxCachedUsers", "must be 1 or more");
        }
    }

    private static void backstage(CatalogConfig.Backstage backstage, Problems problems) {
        if (backstage.url() == null) {
            problems.add("catalog.backstage.url", "is required, e.g. http://backstage:7007");
        } else if (!isHttpBaseUrl(backstage.url())) {
            problems.add("catalog.backstage.url", "must be an absolute http(s) URL without credentials, query or"
                    + " fragment, e.g. http://backstage:7007");
        }
        if (backstage.token() == null || backstage.token().isBlank()) {
            problems.add("catalog.backstage.token", "is required: a static external-access token of the Backstage"
                    + " backend, as an environment placeholder such as ${BACKSTAGE_TOKEN}");
        } else if (backstage.token().chars().anyMatch(Character::isWhitespace)) {
            problems.add("catalog.backstage.token", "must not contain white space");
        }
        positive(backstage.timeout(), "catalog.backstage.timeout", problems);
        if (backstage.portalUrl() != null && !isHttpBaseUrl(backstage.portalUrl())) {
            problems.add("catalog.backstage.portalUrl", "must be an absolute http(s) URL without credentials, query"
                    + " or fragment, e.g. https://backstage.example.com");
        }
    }

    static boolean isHttpBaseUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static void positive(Duration duration, String field, Problems problems) {
        if (duration.isZero() || duration.isNegative()) {
            problems.add(field, "must be longer than 0");
        }
    }
}
