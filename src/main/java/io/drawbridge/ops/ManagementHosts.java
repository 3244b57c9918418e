package io.drawbridge.ops;

import io.drawbridge.Outcome;
import io.drawbridge.Reason;
import io.drawbridge.audit.AuditRecord;
import io.drawbridge.audit.AuditSink;
import io.drawbridge.config.ManagementConfig;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The management port answers only requests that name it. A web page a developer visits can make its own name
 * resolve to 127.0.0.1 (DNS rebinding) and then read the answers as same-origin: its requests still carry its
 * name in {@code Host}. Accepted: IP addresses (rebinding needs a name; Kubernetes probes and scrapers address
 * the pod by IP), {@code localhost} and {@code *.localhost} (browsers resolve those themselves),
 * {@code management.host}, and {@code management.allowedHosts}. Anything else is refused with 421, audited as
 * {@code misdirected-request}, before any management handler runs.
 */
final class ManagementHosts extends Handler.Wrapper {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
            + "(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final String BODY = "{\"status\":421,\"error\":\"Misdirected Request\"}\n";

    private final Set<String> names = new HashSet<>();
    private final AuditSink audit;

    ManagementHosts(ManagementConfig config, AuditSink audit, Handler next) {
        super(next);
        this.audit = audit;
        names.add("localhost");
        names.add(normalize(config.host()));
        config.allowedHosts().forEach(name -> names.add(normalize(name)));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String host = request.getHeaders().get(HttpHeader.HOST);
        String authority = request.getHttpURI().getAuthority();
        if (host != null && allowed(host) && (authority == null || allowed(authority))) {
            return super.handle(request, response, callback);
        }
        response.setStatus(421);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        record(request, host);
        Content.Sink.write(response, true, BODY, callback);
        return true;
    }

    /** Whether {@code host[:port]} names this listener. */
    boolean allowed(String hostAndPort) {
        String h = hostAndPort.strip();
        if (h.startsWith("[")) {
            return h.indexOf(']') > 1; // an IPv6 literal
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            if (h.indexOf(':', colon + 1) >= 0) {
                return false;
            }
            h = h.substring(0, colon);
        }
        String name = normalize(h);
        return IPV4.matcher(name).matches() || names.contains(name) || name.endsWith(".localhost");
    }

    private static String normalize(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        while (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }

    private void record(Request request, String host) {
        if (audit == null) {
            return;
        }
        String path = request.getHttpURI().getPath();
        String clientIp = Request.getRemoteAddr(request);
        audit.accept(new AuditRecord(Instant.now(), "mgmt-" + Long.toHexString(ThreadLocalRandom.current().nextLong()),
                Outcome.DENY, Reason.MISDIRECTED_REQUEST.code(),
                "management port: Host names no management listener (DNS rebinding?)", null, null, null, List.of(),
                "management", null, request.getMethod(), clip(path == null ? "" : path, 512),
                host == null ? null : clip(host, 256), 421, clientIp, null, 0, 0, 0, null, null, null));
    }

    private static String clip(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
