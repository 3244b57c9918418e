package io.drawbridge.edge;

import io.drawbridge.EndpointOption;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code gateway:} component: {@code from("gateway:/grafana")} makes a route listen on a path prefix of the
 * gateway's listener. The listener is shared; the component only registers routes in it.
 */
public final class GatewayComponent extends DefaultComponent {

    private final HttpListener listener;

    public GatewayComponent(HttpListener listener) {
        this.listener = listener;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        EndpointOption.check("gateway:", uri, GatewayEndpoint.OPTIONS, parameters);
        var endpoint = new GatewayEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    HttpListener listener() {
        return listener;
    }
}
