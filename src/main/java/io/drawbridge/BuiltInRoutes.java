package io.drawbridge;

import io.drawbridge.edge.ProtectedResourceMetadata;
import io.drawbridge.policy.Decision;
import io.drawbridge.proxy.AssertionSigner;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Routes the gateway serves itself. Public by design, so each says so with an explicit public decision.
 * <ul>
 *   <li>{@value AssertionSigner#JWKS_PATH}: the public keys of the identity assertions, for upstreams to verify</li>
 *   <li>{@value io.drawbridge.edge.ProtectedResourceMetadata#PATH}{@code /<path>}: the protected resource metadata
 *       of each MCP route (RFC 9728)</li>
 * </ul>
 */
final class BuiltInRoutes extends RouteBuilder {

    private final AssertionSigner assertions;

    BuiltInRoutes(AssertionSigner assertions) {
        this.assertions = assertions;
    }

    @Override
    public void configure() {
        String keys = assertions.publicKeys().toString();
        from("gateway:" + AssertionSigner.JWKS_PATH)
                .routeId("drawbridge-keys")
                .process(exchange -> {
                    exchange.setProperty(ExchangeKeys.DECISION,
                            Decision.allow(Reason.PUBLIC_ROUTE, "built-in:public-keys", null));
                    var message = exchange.getMessage();
                    message.getHeaders().clear();
                    message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    message.setHeader("Content-Type", "application/json");
                    message.setHeader("Cache-Control", "public, max-age=300");
                    message.setBody(keys);
                });
        from("gateway:" + ProtectedResourceMetadata.PATH)
                .routeId("drawbridge-mcp-metadata")
                .process(new ProtectedResourceMetadata());
    }
}
