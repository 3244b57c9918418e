package io.drawbridge.edge;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.policy.Reason;
import io.drawbridge.policy.RequestFacts;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

/**
 * Turns each request the listener routes here into a Camel exchange, runs the route on the connection's event
 * loop (steps that must wait hand off and come back), and answers with whatever the route left behind.
 */
public final class GatewayConsumer extends DefaultConsumer implements org.apache.camel.Suspendable {

    private final GatewayEndpoint endpoint;
    private final RequestHygiene hygiene;
    private volatile boolean stopped;

    GatewayConsumer(GatewayEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.hygiene = new RequestHygiene(endpoint.getComponent().listener().identityHeaders());
    }

    @Override
    public GatewayEndpoint getEndpoint() {
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        stopped = false;
        HttpListener listener = endpoint.getComponent().listener();
        listener.routes().add(endpoint.getHost(), endpoint.getPrefix(), this);
        listener.start();
    }

    /**
     * A stopped or suspended route keeps its place in the route table and answers 503: were it taken out, its
     * requests would fall through to a route on a shorter prefix, with another policy. Only removing the route
     * (or a new route on the same host and prefix) frees the place.
     */
    @Override
    protected void doStop() throws Exception {
        stopped = true;
        super.doStop();
    }

    /** Stopped (not merely suspended): its place in the route table may go to a new route on the same prefix. */
    boolean stopped() {
        return stopped;
    }

    @Override
    protected void doShutdown() throws Exception {
        endpoint.getComponent().listener().routes().remove(this);
        super.doShutdown();
    }

    /** Whether it takes requests now: started, and neither stopping, stopped nor suspended. */
    boolean serving() {
        return !stopped && isRunAllowed() && !isSuspendingOrSuspended();
    }

    void handle(ClientRequest request) {
        if (!isRunAllowed() || isSuspendingOrSuspended()) {
            ResponseWriter.error(request, new BadRequest(503, Reason.NO_ROUTE, "route is stopped"), null);
            return;
        }
        Exchange exchange = createExchange(false);
        request.exchange(exchange);
        exchange.setProperty(ExchangeKeys.REQUEST_ID, request.requestId());
        exchange.setProperty(ExchangeKeys.CLIENT_REQUEST, request);
        exchange.setProperty(ExchangeKeys.ROUTE_ID, getRouteId());
        exchange.setProperty(ExchangeKeys.REQUEST_FACTS,
                new RequestFacts(request.method(), request.target().path(), request.host()));
        Message message = exchange.getMessage();
        request.requestHeaderValues(hygiene.copy(request.head().headers(), message.getHeaders()));
        message.setHeader(Exchange.HTTP_METHOD, request.method());
        message.setHeader(Exchange.HTTP_PATH, request.target().path());
        if (request.target().query() != null) {
            message.setHeader(Exchange.HTTP_QUERY, request.target().query());
        }
        if (endpoint.isBufferBody()) {
            request.bufferBody(endpoint.getMaxBufferedBody(),
                    () -> {
                        message.setBody(request.takeBufferedBody());
                        run(request, exchange);
                    },
                    () -> {
                        request.discardBody();
                        ResponseWriter.error(request,
                                new BadRequest(413, Reason.BAD_REQUEST, "request body larger than the limit"), exchange);
                    });
            return;
        }
        run(request, exchange);
    }

    private void run(ClientRequest request, Exchange exchange) {
        try {
            getAsyncProcessor().process(exchange, doneSync -> {
                if (request.channel().eventLoop().inEventLoop()) {
                    ResponseWriter.complete(request, exchange);
                } else {
                    request.channel().eventLoop().execute(() -> ResponseWriter.complete(request, exchange));
                }
            });
        } catch (Throwable t) {
            exchange.setException(t);
            ResponseWriter.complete(request, exchange);
        }
    }

    void release(Exchange exchange) {
        releaseExchange(exchange, false);
    }
}
