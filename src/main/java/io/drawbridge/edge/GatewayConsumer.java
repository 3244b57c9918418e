package io.drawbridge.edge;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.policy.RequestFacts;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.support.DefaultConsumer;

/**
 * Turns each request the listener routes here into a Camel exchange, runs the route on the connection's event
 * loop (steps that must wait hand off and come back), and answers with whatever the route left behind.
 */
public final class GatewayConsumer extends DefaultConsumer implements Suspendable {

    private final GatewayEndpoint endpoint;
    private final RequestHygiene hygiene;
    private volatile boolean stopped;
    /** Requests taken and not yet released: stopping waits for them before Camel stops the route's steps. */
    private final AtomicInteger taken = new AtomicInteger();

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
        // A request that passed the check in accept() before the flag was set runs to its end on steps that are
        // still started; Camel's own in-flight count would miss one that has not reached the route yet.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (taken.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
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

    /**
     * Takes a request if the route serves; false leaves it to the caller (a route being replaced may have a
     * successor a moment later). The count goes up before the check, so stopping never misses a taken request.
     */
    boolean accept(ClientRequest request) {
        taken.incrementAndGet();
        if (!serving()) {
            taken.decrementAndGet();
            return false;
        }
        handle(request);
        return true;
    }

    /** Answers for a route that does not serve (stopped or suspended, with no replacement coming). */
    static void refuse(ClientRequest request) {
        ResponseWriter.error(request, new BadRequest(Reason.ROUTE_STOPPED, "route is stopped"), null);
    }

    private void handle(ClientRequest request) {
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
        CorsPolicy cors = endpoint.cors();
        if (cors != null) {
            request.cors(cors);
            if (CorsPolicy.isPreflight(request.head().method(), request.head().headers())) {
                ResponseWriter.preflight(request, cors, exchange);
                return;
            }
        }
        if (endpoint.isBufferBody() || endpoint.isMcp()) {
            request.bufferBody(endpoint.getMaxBufferedBody(),
                    () -> {
                        message.setBody(request.takeBufferedBody());
                        if (!endpoint.isMcp() || McpResponses.read(endpoint, request, exchange)) {
                            run(request, exchange);
                        }
                    },
                    () -> {
                        request.discardBody();
                        ResponseWriter.error(request, new BadRequest(Reason.BODY_TOO_LARGE,
                                "request body larger than the limit"), exchange);
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
        taken.decrementAndGet();
    }
}
