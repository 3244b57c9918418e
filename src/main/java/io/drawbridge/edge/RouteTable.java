package io.drawbridge.edge;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which route listens on a host and path: host-specific routes before host-agnostic ones, then the longest path
 * prefix, matched on whole segments ({@code /echo} matches {@code /echo} and {@code /echo/x}, not
 * {@code /echoes}). Copy-on-write: lookups take no lock, routes come and go while traffic flows.
 */
public final class RouteTable {

    /** A listening route: {@code host} is {@code null} (any), exact, or {@code *.suffix}. */
    public record Entry(String host, String prefix, GatewayConsumer consumer) {
        public String routeId() {
            return consumer.getRouteId();
        }

        boolean matchesHost(String requestHost) {
            if (host == null) {
                return true;
            }
            if (host.startsWith("*.")) {
                return requestHost.endsWith(host.substring(1)) && requestHost.length() > host.length() - 1;
            }
            return host.equals(requestHost);
        }

        boolean matchesPath(String path) {
            if (prefix.equals("/")) {
                return true;
            }
            return path.startsWith(prefix)
                    && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
        }
    }

    public record Match(GatewayConsumer consumer, String prefix) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparing((Entry e) -> e.host == null)
            .thenComparing(e -> e.host != null && e.host.startsWith("*."))
            .thenComparing(e -> -e.prefix.length());

    private volatile List<Entry> entries = List.of();
    /** The places of routes being replaced, by route id, kept while the old route is gone and the new not yet in. */
    private final Map<String, Entry> swapping = new ConcurrentHashMap<>();

    /** These routes are being replaced: their requests wait for the new route rather than being refused. */
    public void beginSwap(Collection<String> routeIds) {
        for (Entry e : entries) {
            if (routeIds.contains(e.routeId())) {
                swapping.put(e.routeId(), e);
            }
        }
    }

    /** Whether any route is being replaced right now. */
    boolean swapping() {
        return !swapping.isEmpty();
    }

    public void endSwap(Collection<String> routeIds) {
        swapping.keySet().removeAll(routeIds);
    }

    /**
     * Whether a request should wait a moment for a route being replaced: its route is draining (Camel has it
     * stopping, suspended or stopped), or it has already left the table and the request would otherwise fall
     * through to a shorter prefix or to 404.
     */
    boolean awaitingReplacement(String host, String path, Match match) {
        if (swapping.isEmpty()) {
            return false;
        }
        if (match != null && swapping.containsKey(match.consumer().getRouteId()) && !match.consumer().serving()) {
            return true;
        }
        Entry matched = match == null ? null
                : entries.stream().filter(e -> e.consumer == match.consumer()).findFirst().orElse(null);
        for (Entry e : swapping.values()) {
            if (e.matchesHost(host) && e.matchesPath(path)
                    && (matched == null || e.consumer != matched.consumer && ORDER.compare(e, matched) < 0)) {
                return true;
            }
        }
        return false;
    }

    public synchronized void add(String host, String prefix, GatewayConsumer consumer) {
        String h = host == null || host.isBlank() ? null : host.toLowerCase(Locale.ROOT);
        String p = normalizePrefix(prefix);
        for (Entry e : entries) {
            if (Objects.equals(e.host, h) && e.prefix.equals(p) && e.consumer != consumer
                    && !e.consumer.stopped()) {
                throw new IllegalStateException("routes '" + e.consumer.getRouteId() + "' and '"
                        + consumer.getRouteId() + "' both listen on " + (h == null ? "" : h) + p);
            }
        }
        List<Entry> next = new ArrayList<>(entries);
        next.removeIf(e -> e.consumer == consumer
                || (Objects.equals(e.host, h) && e.prefix.equals(p))); // a stopped route's place
        next.add(new Entry(h, p, consumer));
        next.sort(ORDER);
        entries = List.copyOf(next);
    }

    public synchronized void remove(GatewayConsumer consumer) {
        List<Entry> next = new ArrayList<>(entries);
        next.removeIf(e -> e.consumer == consumer);
        entries = List.copyOf(next);
    }

    public Match match(String host, String path) {
        for (Entry e : entries) {
            if (e.matchesHost(host) && e.matchesPath(path)) {
                return new Match(e.consumer, e.prefix);
            }
        }
        return null;
    }

    public List<Entry> entries() {
        return entries;
    }

    static String normalizePrefix(String prefix) {
        if (prefix == null || prefix.isBlank() || prefix.equals("/")) {
            return "/";
        }
        String p = RequestTarget.normalizePath(prefix.startsWith("/") ? prefix : "/" + prefix);
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
