package io.drawbridge.edge;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.policy.RequestFacts;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.regex.Pattern;
import org.apache.camel.AsyncCallback;
import org.apache.camel.EndpointAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Navigate;
import org.apache.camel.Route;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * {@code drawbridge:decide}: the decision endpoint a front asks before it passes a request on (nginx
 * {@code auth_request}, Caddy {@code forward_auth}, Traefik {@code forwardAuth}, Envoy {@code ext_authz}, an
 * HAProxy Lua action). It believes only peers in {@code server.trustedProxies}; anyone else is refused with
 * {@link Reason#UNTRUSTED_FRONT}, so a client cannot ask about a route it is not calling.
 *
 * <p>The request asked about is named by {@code X-Forwarded-Method} (else this request's method) and
 * {@code X-Forwarded-Uri} or {@code X-Original-URI} (else, Envoy's shape, the path after this route's prefix);
 * its host and scheme are the edge's, which takes {@code X-Forwarded-Host} and {@code X-Forwarded-Proto} from
 * trusted peers. The URI goes through the edge's own normalization and refusals, the route that listens on that
 * host and path is found as for any request, and that route's steps run on this exchange with the original
 * request's facts: its proxy step answers 200 with the identity headers and the assertion instead of calling
 * the upstream. Everything else is the route's own answer (401, 403, a sign-in redirect), and the audit record
 * names that route, method and path, with the front as {@code upstream}.
 */
public final class DecideStep extends AsyncProcessorSupport {

    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");
    /** Whether a route ends in a proxy step, by consumer (a reloaded route comes with a new consumer). */
    private static final Map<GatewayConsumer, Boolean> PROXIES = Collections.synchronizedMap(new WeakHashMap<>());

    private final boolean signInAsStatus;

    /**
     * @param signInAsStatus answer a browser that must sign in with 401 and the sign-in URL in {@code Location}
     *                       (nginx {@code auth_request} accepts only 2xx, 401 and 403), instead of a 302
     */
    public DecideStep(boolean signInAsStatus) {
        this.signInAsStatus = signInAsStatus;
    }

    /** The request a front asks about. */
    record Asked(String method, RequestTarget target) {
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ClientRequest client = exchange.getProperty(ExchangeKeys.CLIENT_REQUEST, ClientRequest.class);
        RouteTable.Match match;
        Asked asked;
        try {
            if (client == null || exchange.getProperty(ExchangeKeys.DECIDE_ONLY) != null) {
                throw new BadRequest(Reason.NO_ROUTE, "drawbridge:decide must follow a gateway: listener,"
                        + " and decides for proxied routes only");
            }
            String front = front(client);
            asked = asked(client);
            match = client.connection().listener().routes().match(client.host(), asked.target().path());
            if (match == null || match.consumer() == client.consumer() || !proxies(match.consumer())) {
                throw new BadRequest(Reason.NO_ROUTE, "no proxied route for this host and path");
            }
            if (!match.consumer().serving()) {
                throw new BadRequest(Reason.ROUTE_STOPPED, "route is stopped");
            }
            prepare(exchange, client, asked, match, front);
        } catch (BadRequest e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        return match.consumer().getAsyncProcessor().process(exchange, doneSync -> {
            if (exchange.getException() == null && exchange.getProperty(ExchangeKeys.REDIRECT) == null
                    && exchange.getProperty(ExchangeKeys.FRONT_ANSWERED) == null) {
                // ended without reaching its proxy step (a Kamelet route can only be told by running it)
                exchange.setException(new BadRequest(Reason.NO_ROUTE, "the route answered without proxying"));
            }
            if (signInAsStatus && exchange.getProperty(ExchangeKeys.REDIRECT) instanceof Redirect redirect) {
                exchange.setProperty(ExchangeKeys.REDIRECT, new Redirect(401, redirect.location(), redirect.reason(),
                        redirect.getMessage()));
            }
            callback.done(doneSync);
        });
    }

    /** The front's address, when it is one the gateway trusts. */
    private static String front(ClientRequest client) {
        var peer = (InetSocketAddress) client.channel().remoteAddress();
        if (peer == null || !client.connection().listener().trustedProxies().isTrusted(peer.getAddress())) {
            throw new BadRequest(Reason.UNTRUSTED_FRONT, "decision asked by a peer outside trustedProxies");
        }
        return peer.getAddress().getHostAddress();
    }

    static Asked asked(ClientRequest client) {
        HttpHeaders headers = client.head().headers();
        String method = single(headers, "X-Forwarded-Method");
        if (method == null) {
            method = client.head().method().name();
        }
        if (!METHOD.matcher(method.trim()).matches()) {
            throw new BadRequest(Reason.BAD_REQUEST, "X-Forwarded-Method is not a method");
        }
        String forwardedHost = single(headers, "X-Forwarded-Host");
        if (forwardedHost != null && !RequestTarget.isHostAndPort(forwardedHost.trim())) {
            throw new BadRequest(Reason.BAD_REQUEST, "X-Forwarded-Host is not a host name");
        }
        String uri = single(headers, "X-Forwarded-Uri");
        if (uri == null) {
            uri = single(headers, "X-Original-URI");
        }
        if (uri == null) {
            uri = afterPrefix(client);
        }
        RequestTarget target = RequestTarget.parse(uri.trim()); // the edge's normalization, and its refusals
        if (target.authority() != null) {
            throw new BadRequest(Reason.BAD_REQUEST, "the original URI must be a path");
        }
        return new Asked(method.trim(), target);
    }

    /** Envoy's ext_authz HTTP service appends the original path to the endpoint's: what follows the prefix. */
    private static String afterPrefix(ClientRequest client) {
        RequestTarget own = client.target();
        String prefix = client.matchedPrefix();
        String path = prefix.equals("/") ? own.path() : own.path().substring(prefix.length());
        if (path.isEmpty()) {
            throw new BadRequest(Reason.BAD_REQUEST, "no original request named (X-Forwarded-Uri)");
        }
        return own.query() == null ? path : path + "?" + own.query();
    }

    private static String single(HttpHeaders headers, String name) {
        List<String> values = headers.getAll(name);
        if (values.size() > 1) {
            throw new BadRequest(Reason.BAD_REQUEST, "more than one " + name);
        }
        return values.isEmpty() ? null : values.get(0);
    }

    /** The exchange now carries the original request's facts, as the edge would have set them for its route. */
    private static void prepare(Exchange exchange, ClientRequest client, Asked asked, RouteTable.Match match,
                                String front) {
        String routeId = match.consumer().getRouteId();
        client.decideFor(asked.method(), asked.target(), routeId);
        exchange.setProperty(ExchangeKeys.DECIDE_ONLY, Boolean.TRUE);
        exchange.setProperty(ExchangeKeys.ROUTE_ID, routeId);
        exchange.setProperty(ExchangeKeys.UPSTREAM, "front:" + front);
        exchange.setProperty(ExchangeKeys.REQUEST_FACTS,
                new RequestFacts(asked.method(), asked.target().path(), client.host()));
        exchange.getExchangeExtension().setFromRouteId(routeId); // a policy named like the route is that route's
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_METHOD, asked.method());
        message.setHeader(Exchange.HTTP_PATH, asked.target().path());
        if (asked.target().query() == null) {
            message.removeHeader(Exchange.HTTP_QUERY);
        } else {
            message.setHeader(Exchange.HTTP_QUERY, asked.target().query());
        }
    }

    /**
     * Whether the route may end by proxying: only such a route can be decided for. One that answers itself (the
     * sign-in callback, logout, an issuer) would act on the front's question, so it is never run; one whose
     * answer does not come from its proxy step is refused after it ran.
     */
    static boolean proxies(GatewayConsumer consumer) {
        Boolean known = PROXIES.get(consumer);
        if (known != null) {
            return known;
        }
        Route route = consumer.getRoute();
        if (route == null) {
            return false; // not started yet: asked again next time
        }
        boolean proxies = walk(route.navigate());
        PROXIES.put(consumer, proxies);
        return proxies;
    }

    private static boolean walk(Navigate<?> node) {
        if (node == null || !node.hasNext()) {
            return false;
        }
        for (Object child : node.next()) {
            if (child instanceof EndpointAware aware && aware.getEndpoint() != null) {
                String uri = aware.getEndpoint().getEndpointUri();
                // A Kamelet may hold the proxy step (even behind the http source's kamelet:sink): run it, and let
                // the answer tell (FRONT_ANSWERED). Routes the gateway answers itself use no Kamelet.
                if (uri.startsWith("drawbridge://proxy") || uri.startsWith("kamelet:")) {
                    return true;
                }
            }
            if (child instanceof Navigate<?> nested && walk(nested)) {
                return true;
            }
        }
        return false;
    }
}
