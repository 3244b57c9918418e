package io.drawbridge.proxy;

/**
 * Where a proxy step sends a request: one fixed URL, or the ready endpoints of a Kubernetes Service.
 */
public interface Upstream {

    /** The target for the next request, or {@code null} when there is none to send it to (then 503). */
    UpstreamTarget pick();

    /** A fixed upstream URL, {@code http(s)://host[:port][/base]}. */
    static Upstream of(String url) {
        UpstreamTarget target = UpstreamTarget.parse(url);
        return new Upstream() {
            @Override
            public UpstreamTarget pick() {
                return target;
            }

            @Override
            public String toString() {
                return target.origin();
            }
        };
    }
}
