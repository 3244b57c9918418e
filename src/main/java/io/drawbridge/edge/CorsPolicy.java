package io.drawbridge.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A route's cross-origin rules (the Fetch standard's CORS protocol). Preflights carry no credentials, so the
 * gateway answers them itself, before authentication and without reaching the upstream; a cross-origin request
 * that follows is authenticated and authorized like any other, and its response gains the headers that let the
 * calling page read it. An origin that is not listed gets no CORS headers at all, so the browser keeps the
 * response from the page.
 */
public final class CorsPolicy {

    private final Set<String> origins;
    private final boolean anyOrigin;
    private final Set<String> methods;
    private final Set<String> headers;
    private final String exposed;
    private final boolean credentials;
    private final long maxAgeSeconds;

    private CorsPolicy(Set<String> origins, Set<String> methods, Set<String> headers, String exposed,
                       boolean credentials, long maxAgeSeconds) {
        this.anyOrigin = origins.contains("*");
        this.origins = origins;
        this.methods = methods;
        this.headers = headers;
        this.exposed = exposed;
        this.credentials = credentials;
        this.maxAgeSeconds = maxAgeSeconds;
    }

    /**
     * @param origins     comma-separated {@code scheme://host[:port]} origins, or {@code *} (never with credentials)
     * @param methods     methods cross-origin pages may use
     * @param headers     request headers they may send (case-insensitive)
     * @param exposed     response headers their scripts may read
     * @param credentials whether cookies and Authorization may be sent cross-origin
     * @param maxAge      how long browsers may cache a preflight's answer, in seconds
     * @throws IllegalArgumentException naming the option that is wrong
     */
    public static CorsPolicy of(String origins, String methods, String headers, String exposed, boolean credentials,
                                long maxAge) {
        Set<String> originSet = new LinkedHashSet<>();
        for (String origin : split(origins)) {
            originSet.add(origin.equals("*") ? origin : canonicalOrigin(origin));
        }
        if (originSet.isEmpty()) {
            throw new IllegalArgumentException("corsOrigins lists no origin");
        }
        if (originSet.contains("*") && credentials) {
            // A wildcard with credentials would let every site on the web act with the user's session.
            throw new IllegalArgumentException("corsOrigins=* cannot be combined with corsCredentials=true: list the "
                    + "origins that may send credentials");
        }
        Set<String> methodSet = new LinkedHashSet<>();
        for (String method : split(methods)) {
            if (!method.matches("[A-Z]+")) {
                throw new IllegalArgumentException("corsMethods: '" + method + "' is not an upper-case HTTP method");
            }
            methodSet.add(method);
        }
        if (maxAge < 0) {
            throw new IllegalArgumentException("corsMaxAge must be 0 or more seconds");
        }
        Set<String> headerSet = split(headers).stream().map(h -> h.toLowerCase(Locale.ROOT))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        return new CorsPolicy(originSet, methodSet, headerSet, String.join(", ", split(exposed)), credentials, maxAge);
    }

    private static List<String> split(String list) {
        return list == null || list.isBlank() ? List.of()
                : Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Origins compare as the browser sends them: lower-case scheme and host, the port only when not default. */
    private static String canonicalOrigin(String origin) {
        try {
            URI uri = new URI(origin);
            boolean http = "http".equalsIgnoreCase(uri.getScheme());
            if (!(http || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null
                    || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
                    || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("corsOrigins: '" + origin + "' is not an origin "
                        + "(scheme://host[:port], no path)");
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || port == (http ? 80 : 443);
            return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT)
                    + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("corsOrigins: '" + origin + "' is not an origin (scheme://host[:port])");
        }
    }

    /** A preflight: OPTIONS with an Origin and the method the page wants to use. */
    public static boolean isPreflight(HttpMethod method, HttpHeaders request) {
        return method.equals(HttpMethod.OPTIONS) && request.contains(HttpHeaderNames.ORIGIN)
                && request.contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    }

    public boolean allowsOrigin(String origin) {
        return origin != null && (anyOrigin || origins.contains(origin));
    }

    /**
     * Why a preflight is refused, or {@code null} when it is allowed: the origin, the method or a header is not
     * listed.
     */
    public String refusal(HttpHeaders request) {
        String origin = request.get(HttpHeaderNames.ORIGIN);
        if (!allowsOrigin(origin)) {
            return "origin not allowed";
        }
        String method = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        if (!methods.contains(method)) {
            return "method " + method + " not allowed";
        }
        for (String header : split(request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS))) {
            if (!headers.contains(header.toLowerCase(Locale.ROOT))) {
                return "header " + header + " not allowed";
            }
        }
        return null;
    }

    /** The answer to an allowed preflight. */
    public void addPreflightHeaders(HttpHeaders request, HttpHeaders response) {
        addOriginHeaders(request.get(HttpHeaderNames.ORIGIN), response);
        response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(", ", methods));
        String asked = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (asked != null && !asked.isBlank()) {
            response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, asked);
        }
        response.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, maxAgeSeconds);
        // Caches must not hand one origin's answer to another.
        response.add(HttpHeaderNames.VARY, "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    }

    /** The headers that let an allowed origin's page read a response; nothing for any other origin. */
    public void addResponseHeaders(String origin, HttpHeaders response) {
        response.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        if (!allowsOrigin(origin)) {
            return;
        }
        addOriginHeaders(origin, response);
        if (!exposed.isEmpty()) {
            response.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, exposed);
        }
    }

    private void addOriginHeaders(String origin, HttpHeaders response) {
        // The origin itself rather than "*", even for corsOrigins=*: one answer shape whatever the configuration.
        response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        if (credentials) {
            response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
    }
}
