package io.drawbridge.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which protocol upgrades a route takes: WebSocket ({@code GET} with {@code Connection: Upgrade} and
 * {@code Upgrade: websocket}) on routes with {@code websocket=true}, nothing else. A dropped upgrade is served as
 * plain HTTP/1.1, and says why: in the audit record's detail, and the first WebSocket dropped on each route in a
 * log line naming the switch, since the application's own answer (often a bare 400) does not.
 */
final class Upgrades {

    private static final Logger LOG = LoggerFactory.getLogger(Upgrades.class);
    private static final int MAX_PROTOCOL = 40;
    /** Route ids already named in the log, so a busy page's reconnects cost one line, not thousands. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /** What {@link #judge} decided: the protocol to upgrade to, or why the upgrade was dropped. */
    record Verdict(String protocol, String dropped) {
    }

    private Upgrades() {
    }

    /** {@code null} when the request asks for no upgrade. */
    static Verdict judge(HttpRequest head, GatewayConsumer consumer) {
        String asked = head.headers().get(HttpHeaderNames.UPGRADE);
        if (asked == null) {
            return null;
        }
        String protocol = asked.trim();
        boolean websocket = "websocket".equalsIgnoreCase(protocol);
        if (!websocket) {
            return new Verdict(null, "Upgrade: " + shorten(protocol) + " dropped: only websocket upgrades are served");
        }
        if (!consumer.getEndpoint().isWebsocket()) {
            String route = consumer.getRouteId();
            if (route != null && WARNED.add(route)) {
                LOG.warn("route {}: a client asked to upgrade to WebSocket ({} {}), which this route does not allow;"
                        + " the request went upstream as plain HTTP. If the application needs WebSockets, add"
                        + " websocket=true to the route's gateway:{} (this is said once per route)", route,
                        head.method(), consumer.getEndpoint().getPrefix(), consumer.getEndpoint().getPrefix());
            }
            return new Verdict(null, "Upgrade: websocket dropped: the route has no websocket=true");
        }
        if (!HttpMethod.GET.equals(head.method())
                || !head.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            return new Verdict(null, "Upgrade: websocket dropped: not a GET with Connection: Upgrade");
        }
        return new Verdict("websocket", null);
    }

    private static String shorten(String protocol) {
        return protocol.length() <= MAX_PROTOCOL ? protocol : protocol.substring(0, MAX_PROTOCOL) + "...";
    }
}
