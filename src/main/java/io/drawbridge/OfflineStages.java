package io.drawbridge;

import io.drawbridge.authn.IssuerRegistry;
import io.drawbridge.authn.session.BrowserLogin;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.identity.Enrichment;
import io.drawbridge.identity.Identity;
import io.drawbridge.identity.RoleSource;
import io.drawbridge.policy.Policies;
import io.drawbridge.proxy.AssertionSigner;
import io.drawbridge.proxy.IdentityHeaders;
import io.drawbridge.proxy.ServiceDiscovery;
import io.drawbridge.proxy.UpstreamClient;
import io.drawbridge.route.DrawbridgeComponent;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The route steps' stages built from a configuration without any I/O, for checking route files (and explaining
 * decisions) outside a running gateway: no listener, no key or catalog fetch, no Kubernetes. A step that would
 * need the network ({@code k8s://} upstreams) is checked for its syntax only.
 */
final class OfflineStages implements AutoCloseable {

    /** Thrown where a check would have to contact something; such steps are accepted unchecked. */
    static final class NotContacted extends IllegalStateException {
        NotContacted() {
            super("not contacted by a check");
        }
    }

    private static final Executor NO_EXECUTOR = task -> {
        throw new NotContacted();
    };

    private final DrawbridgeComponent.Stages stages;
    private final ServiceDiscovery services;

    private OfflineStages(DrawbridgeComponent.Stages stages, ServiceDiscovery services) {
        this.stages = stages;
        this.services = services;
    }

    static OfflineStages of(GatewayConfig config) {
        IssuerRegistry issuers = IssuerRegistry.of(config.issuers());
        Policies policies = Policies.compile(config.policies(), (field, message) -> { });
        RoleSource roles = config.catalog() == null ? null : new RoleSource() {
            @Override
            public Optional<Enrichment> enrichWithoutIo(Identity identity) {
                throw new NotContacted();
            }

            @Override
            public CompletableFuture<Enrichment> enrich(Identity identity) {
                return CompletableFuture.failedFuture(new NotContacted());
            }
        };
        BrowserLogin login = config.login() == null ? null
                : new BrowserLogin(config, issuers, NO_EXECUTOR, config.server().tls() != null, Clock.systemUTC());
        var services = new ServiceDiscovery(() -> {
            throw new NotContacted();
        }, () -> config.kubernetes().namespace() == null ? "default" : config.kubernetes().namespace(),
                Duration.ofSeconds(1));
        var stages = new DrawbridgeComponent.Stages(issuers, issuers.names(), NO_EXECUTOR, () -> policies,
                new UpstreamClient(null, config.upstreams()), new IdentityHeaders(config.identityHeaders()),
                new AssertionSigner(config.assertion().issuer(), null, config.assertion().lifetime(),
                        Clock.systemUTC()), roles, login, services);
        return new OfflineStages(stages, services);
    }

    DrawbridgeComponent.Stages stages() {
        return stages;
    }

    @Override
    public void close() {
        services.close();
    }
}
