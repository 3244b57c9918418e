package io.drawbridge.config;

import java.time.Duration;

/**
 * The software catalog that enriches identities with their groups ({@code drawbridge:enrich}) and, when asked to,
 * declares routes. Set exactly one of {@code backstage} and {@code files}. Without a {@code catalog} section there is no
 * catalog, and a route asking for enrichment is refused at startup.
 *
 * @param backstage      a Backstage backend's catalog API
 * @param files          {@code catalog-info.yaml}-format files instead: a file, a folder (its {@code *.yaml} and
 *                       {@code *.yml}), a glob such as {@code /etc/drawbridge/catalog/*.yaml}, or a
 *                       {@code classpath:} resource; re-read when they change
 * @param match          how a caller is found: {@code email} (default; the token's e-mail against the User's
 *                       {@code spec.profile.email}, case-insensitive) or {@code name} (the user name against the
 *                       User's {@code metadata.name})
 * @param claim          with {@code match: name}: the claim holding the name instead of the identity's user name;
 *                       default none
 * @param ttl            how long a caller's catalog groups are used before they are looked up again; default 5m
 * @param maxStaleness   how long past its fetch a last-known-good answer may still be used while the catalog is
 *                       down or slow; after that, requests fail with 503; default 15m
 * @param unknownUser    a caller without a User entity: {@code claims-only} (default; only the token's groups)
 *                       or {@code deny} (403)
 * @param pollInterval   how often route discovery re-reads the catalog; default 30s
 * @param maxCachedUsers how many callers' answers are cached at most; default 10000
 * @param routes         route discovery: {@code true} to turn Components and Resources carrying
 *                       {@code drawbridge.io/*} annotations into routes; default {@code false} (the catalog only
 *                       enriches identities, and no route appears that nobody wrote into {@code routes})
 */
public record CatalogConfig(
        Backstage backstage,
        String files,
        String match,
        String claim,
        Duration ttl,
        Duration maxStaleness,
        String unknownUser,
        Duration pollInterval,
        Integer maxCachedUsers,
        Boolean routes) {

    public CatalogConfig {
        match = match == null ? "email" : match;
        ttl = ttl == null ? Duration.ofMinutes(5) : ttl;
        maxStaleness = maxStaleness == null ? Duration.ofMinutes(15) : maxStaleness;
        unknownUser = unknownUser == null ? "claims-only" : unknownUser;
        pollInterval = pollInterval == null ? Duration.ofSeconds(30) : pollInterval;
        maxCachedUsers = maxCachedUsers == null ? 10_000 : maxCachedUsers;
        routes = routes != null && routes;
    }

    /**
     * A Backstage backend.
     *
     * @param url     the backend's base URL, e.g. {@code http://backstage:7007}; required
     * @param token   a static external-access token ({@code backend.auth.externalAccess}); required, always an
     *                environment placeholder such as {@code ${BACKSTAGE_TOKEN}}
     * @param timeout how long one catalog request may take, connection included; default 3s
     * @param portalUrl the developer portal people use, e.g. {@code https://backstage.example.com}: refusal pages
     *                  link a route's owners to their entity pages there; default none (owners named, not linked)
     */
    public record Backstage(String url, String token, Duration timeout, String portalUrl) {

        public Backstage {
            timeout = timeout == null ? Duration.ofSeconds(3) : timeout;
        }

        public Backstage(String url, String token, Duration timeout) {
            this(url, token, timeout, null);
        }

        /** The token is never shown. */
        @Override
        public String toString() {
            return "Backstage[url=" + url + ", token=" + (token == null ? null : "***") + ", timeout=" + timeout
                    + ", portalUrl=" + portalUrl + "]";
        }
    }
}
