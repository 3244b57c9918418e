package io.drawbridge.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The whole configuration, as read from {@code drawbridge.yaml} (see docs/reference/configuration.md).
 * Every section has defaults, so an empty file is a valid, if useless, configuration.
 *
 * @param server          the listener
 * @param upstreams       defaults for every upstream a route proxies to
 * @param issuers         the token issuers the gateway trusts, by name
 * @param policies        named authorization policies that routes refer to
 * @param identityHeaders which identity headers the gateway strips from clients and sets for upstreams
 * @param audit           where decisions are written
 * @param routes          Camel route locations to load, e.g. {@code file:routes/*.yaml}
 * @param properties      Camel properties the routes may refer to as {@code {{name}}}
 * @param source          the file this was read from, or {@code null} when built in code; not read from YAML
 * @param catalog         the software catalog that enriches identities; default none ({@code null}: no catalog)
 * @param assertion       the signed identity assertion upstreams receive
 * @param management      the management port: health, metrics, Jolokia, Hawtio
 * @param login           browser sign-in and sessions; default none ({@code null}: bearer tokens only)
 * @param kubernetes      the Kubernetes API server, for routes from ConfigMaps and upstreams from Services
 * @param logging         the gateway's own log: text or one JSON object a line
 * @param access          access requests and grants: their store and notifications; {@code null} when the file has
 *                        no such section ({@link #accessOrDefaults()} then gives the defaults)
 */
public record GatewayConfig(
        ServerConfig server,
        UpstreamDefaults upstreams,
        List<IssuerConfig> issuers,
        Map<String, PolicyConfig> policies,
        IdentityHeadersConfig identityHeaders,
        AuditConfig audit,
        List<String> routes,
        Map<String, String> properties,
        @JsonIgnore Path source,
        CatalogConfig catalog,
        AssertionConfig assertion,
        ManagementConfig management,
        LoginConfig login,
        KubernetesConfig kubernetes,
        LoggingConfig logging,
        AccessConfig access) {

    public GatewayConfig {
        server = server == null ? ServerConfig.defaults() : server;
        upstreams = upstreams == null ? UpstreamDefaults.defaults() : upstreams;
        issuers = issuers == null ? List.of() : List.copyOf(issuers);
        policies = policies == null ? Map.of() : Map.copyOf(policies);
        identityHeaders = identityHeaders == null ? IdentityHeadersConfig.defaults() : identityHeaders;
        audit = audit == null ? AuditConfig.defaults() : audit;
        routes = routes == null ? List.of("file:routes/*.yaml") : List.copyOf(routes);
        properties = properties == null ? Map.of() : Map.copyOf(properties);
        assertion = assertion == null ? AssertionConfig.defaults() : assertion;
        management = management == null ? ManagementConfig.defaults() : management;
        kubernetes = kubernetes == null ? KubernetesConfig.defaults() : kubernetes;
        logging = logging == null ? LoggingConfig.defaults() : logging;
    }

    /** Without a catalog, as before the catalog section existed. */
    public GatewayConfig(ServerConfig server, UpstreamDefaults upstreams, List<IssuerConfig> issuers,
                         Map<String, PolicyConfig> policies, IdentityHeadersConfig identityHeaders, AuditConfig audit,
                         List<String> routes, Map<String, String> properties, Path source) {
        this(server, upstreams, issuers, policies, identityHeaders, audit, routes, properties, source, null, null, null,
                null, null, null, null);
    }

    /** Property values are left out: they are often secrets from the environment. */
    @Override
    public String toString() {
        return "GatewayConfig[server=" + server + ", upstreams=" + upstreams + ", issuers=" + issuers
                + ", policies=" + policies + ", identityHeaders=" + identityHeaders + ", audit=" + audit
                + ", routes=" + routes + ", properties=" + properties.keySet().stream().sorted()
                .map(k -> k + "=***").collect(Collectors.joining(", ", "{", "}")) + ", source=" + source
                + ", catalog=" + catalog + ", assertion=" + assertion + ", management=" + management
                + ", login=" + login + ", kubernetes=" + kubernetes + ", logging=" + logging + ", access=" + access + "]";
    }

    /** Without access requests' settings, as before the access section existed. */
    public GatewayConfig(ServerConfig server, UpstreamDefaults upstreams, List<IssuerConfig> issuers,
                         Map<String, PolicyConfig> policies, IdentityHeadersConfig identityHeaders, AuditConfig audit,
                         List<String> routes, Map<String, String> properties, Path source, CatalogConfig catalog,
                         AssertionConfig assertion, ManagementConfig management, LoginConfig login,
                         KubernetesConfig kubernetes, LoggingConfig logging) {
        this(server, upstreams, issuers, policies, identityHeaders, audit, routes, properties, source, catalog,
                assertion, management, login, kubernetes, logging, null);
    }

    /** The access section, or its defaults when the file has none. */
    public AccessConfig accessOrDefaults() {
        return access == null ? AccessConfig.defaults() : access;
    }

    /** Whether the gateway keeps access requests: the file has an access section, or a policy takes requests. */
    public boolean takesAccessRequests() {
        return access != null || policies.values().stream().anyMatch(p -> p != null && p.request() != null);
    }

    public GatewayConfig withAccess(AccessConfig accessConfig) {
        return new GatewayConfig(server, upstreams, issuers, policies, identityHeaders, audit, routes, properties,
                source, catalog, assertion, management, login, kubernetes, logging, accessConfig);
    }

    public GatewayConfig withSource(Path file) {
        return new GatewayConfig(server, upstreams, issuers, policies, identityHeaders, audit, routes, properties, file,
                catalog, assertion, management, login, kubernetes, logging, access);
    }

    public GatewayConfig withRoutes(List<String> locations) {
        return new GatewayConfig(server, upstreams, issuers, policies, identityHeaders, audit, locations, properties,
                source, catalog, assertion, management, login, kubernetes, logging, access);
    }

    public GatewayConfig withCatalog(CatalogConfig catalogConfig) {
        return new GatewayConfig(server, upstreams, issuers, policies, identityHeaders, audit, routes, properties,
                source, catalogConfig, assertion, management, login, kubernetes, logging, access);
    }

    public GatewayConfig withPolicies(Map<String, PolicyConfig> newPolicies) {
        return new GatewayConfig(server, upstreams, issuers, newPolicies, identityHeaders, audit, routes, properties,
                source, catalog, assertion, management, login, kubernetes, logging, access);
    }

    public GatewayConfig withManagement(ManagementConfig managementConfig) {
        return new GatewayConfig(server, upstreams, issuers, policies, identityHeaders, audit, routes, properties,
                source, catalog, assertion, managementConfig, login, kubernetes, logging, access);
    }

    public GatewayConfig withLogin(LoginConfig loginConfig) {
        return new GatewayConfig(server, upstreams, issuers, policies, identityHeaders, audit, routes, properties,
                source, catalog, assertion, management, loginConfig, kubernetes, logging, access);
    }
}
