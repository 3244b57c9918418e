package io.drawbridge.route;

import io.drawbridge.EndpointOption;
import java.util.Arrays;
import java.util.List;

import static io.drawbridge.EndpointOption.choice;
import static io.drawbridge.EndpointOption.flag;
import static io.drawbridge.EndpointOption.requiredText;
import static io.drawbridge.EndpointOption.text;

/**
 * The {@code drawbridge:} steps and their options, declared once: {@link DrawbridgeComponent} checks URIs against
 * them, {@code docs/reference/steps.md} is generated from them and the Kamelets are tested against them.
 */
public enum Step {

    AUTHENTICATE("authenticate", "Verifies the caller's bearer token (or, with login=browser, its session cookie)"
            + " against the gateway's issuers and records who the caller is; a missing or invalid one ends the"
            + " request with 401.", List.of(
            text("issuers", "The issuer names this route accepts, comma-separated; default all configured issuers"),
            flag("forwardToken", false, "Pass the bearer token (or the session's access token) on to the upstream"),
            choice("login", List.of("none", "browser"), "none for bearer tokens only; browser to also accept the"
                    + " session cookie and send browsers without one to sign in (needs the login section)"),
            choice("authorization", List.of("gateway", "upstream"), "Whose the Authorization header is. gateway: a"
                    + " bearer token the gateway verifies and removes; upstream: the application's own (Backstage's"
                    + " frontend sends its Backstage token), passed on untouched, and the caller is authenticated by"
                    + " the session cookie only (needs login=browser)"),
            text("audience", "The audiences a token must name one of (RFC 8707 audience binding), comma-separated,"
                    + " e.g. the route's public URL; default none, or on an MCP route its resource URL"))),

    ENRICH("enrich", "Adds the caller's roles from the catalog (group refs, parents included); needs the catalog"
            + " section.", List.of()),

    AUTHORIZE("authorize", "Applies a policy to the request and its caller, deny by default: a denied request ends"
            + " with 403 (401 when the policy needs a caller and there is none).", List.of(
            text("policy", "The policy to apply, by name; default the policy named like the route"))),

    DECIDE("decide", "A front's decision endpoint (nginx auth_request, Caddy forward_auth, Traefik ForwardAuth,"
            + " Envoy ext_authz): runs the route the original request would take, without proxying it.", List.of(
            choice("signIn", List.of("redirect", "status"), "How a browser that must sign in is answered: redirect"
                    + " (302 to the sign-in page, for Caddy, Traefik and Envoy) or status (401 with the sign-in page"
                    + " in Location, for nginx auth_request, which accepts only 2xx, 401 and 403)"))),

    PROXY("proxy", "Forwards the request to the upstream and streams its answer back, with the caller's identity"
            + " headers.", List.of(
            requiredText("upstream", "The upstream URL, http(s)://host[:port][/base-path], or a Kubernetes Service,"
                    + " k8s://service.namespace:port[/base-path]"),
            flag("stripPrefix", false, "Remove the route's path prefix before forwarding"),
            text("rewritePrefix", "Replace the route's path prefix with this one before forwarding"),
            flag("preserveHost", true, "Send the client's Host header (true), as browsers and apps that compare"
                    + " Origin with Host expect; false to send the upstream URL's host, for upstreams that serve"
                    + " several names and know only their own (cloud services, another ingress)"),
            text("tls", "The named TLS settings (upstreams.tls.<name>: CA bundle, client certificate, server name)"
                    + " for an https upstream; default the JDK's trust store and the upstream's host name"),
            flag("compress", false, "Brotli or gzip for text-like responses of 1 KiB or more, for clients that"
                    + " accept them (off by default: compressing secrets beside reflected input invites BREACH)"),
            flag("cache", false, "Keep responses the upstream marks cacheable for everyone (public, s-maxage or"
                    + " max-age; never private, no-store, no-cache, Set-Cookie or a Vary other than"
                    + " Accept-Encoding) in a bounded in-memory cache, served after authorization like any request"),
            text("cacheSize", "64m", "The most the route's cache holds, e.g. 256m (needs cache=true)"),
            text("cacheMaxEntry", "1m", "The largest response body the cache keeps, at most 64m; larger ones"
                    + " stream through uncached (needs cache=true)"),
            text("cachePaths", "Paths whose responses are cacheable even without public or a lifetime, e.g."
                    + " /static/** (comma-separated; exact paths or ending in /**); never when the upstream says"
                    + " private, no-store or no-cache, or sets a cookie (needs cache=true)"),
            text("cacheTtl", "60s", "How long a cacheable response that states no lifetime (public, or a path of"
                    + " cachePaths) stays fresh (needs cache=true)"),
            text("connectTimeout", "Connect timeout, e.g. 2s; default upstreams.connectTimeout"),
            text("responseTimeout", "Response timeout, e.g. 30s; default upstreams.responseTimeout")));

    private final String uriName;
    private final String summary;
    private final List<EndpointOption> options;

    Step(String uriName, String summary, List<EndpointOption> options) {
        this.uriName = uriName;
        this.summary = summary;
        this.options = options;
    }

    /** The name after {@code drawbridge:}. */
    public String uriName() {
        return uriName;
    }

    /** What the step does, in a sentence or two. */
    public String summary() {
        return summary;
    }

    public List<EndpointOption> options() {
        return options;
    }

    /** The step named {@code uriName}, or {@code null}. */
    public static Step named(String uriName) {
        return Arrays.stream(values()).filter(s -> s.uriName.equals(uriName)).findFirst().orElse(null);
    }
}
