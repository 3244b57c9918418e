package io.drawbridge.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which client headers a route gets to see (and, by default, forwards). Removed, whatever their letter
 * case: hop-by-hop headers and every header the client named in {@code Connection}; Camel's internal headers;
 * identity headers; forwarding headers (the gateway re-sets them); method overrides; and the framing and
 * addressing headers the gateway derives itself ({@code Host}, {@code Content-Length}, {@code Expect},
 * {@code X-Request-Id}).
 */
public final class RequestHygiene {

    private static final Set<String> DERIVED = Set.of("host", "content-length", "expect", "x-request-id");

    private final IdentityHeaderFilter identityHeaders;

    public RequestHygiene(IdentityHeaderFilter identityHeaders) {
        this.identityHeaders = identityHeaders;
    }

    /**
     * Copies the headers that survive into {@code target} (multi-valued ones as a {@code List<String>}).
     *
     * @return the values copied, so a response built on the same message can tell them from what a route set
     */
    public List<Object> copy(HttpHeaders headers, Map<String, Object> target) {
        Set<String> connectionNamed = connectionTokens(headers);
        List<Object> copied = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey();
            if (!survives(name, connectionNamed)) {
                continue;
            }
            String value = header.getValue();
            Object existing = target.get(name);
            if (existing == null) {
                target.put(name, value);
                copied.add(value);
            } else {
                List<String> values;
                if (existing instanceof List<?>) {
                    @SuppressWarnings("unchecked")
                    List<String> list = (List<String>) existing;
                    values = list;
                } else {
                    values = new ArrayList<>(2);
                    values.add((String) existing);
                    target.put(name, values);
                    copied.add(values);
                }
                values.add(value);
            }
        }
        return copied;
    }

    boolean survives(String name, Set<String> connectionNamed) {
        if (HeaderNames.isCamelInternal(name)) {
            return false;
        }
        String key = HeaderNames.key(name);
        return !HeaderNames.isHopByHopKey(key) && !HeaderNames.isForwardingKey(key)
                && !HeaderNames.isMethodOverrideKey(key) && !identityHeaders.isIdentityKey(key)
                && !DERIVED.contains(key) && (connectionNamed.isEmpty() || !connectionNamed.contains(key));
    }

    private static Set<String> connectionTokens(HttpHeaders headers) {
        List<String> values = headers.getAll(HttpHeaderNames.CONNECTION);
        if (values.isEmpty()) {
            return Set.of();
        }
        Set<String> tokens = new HashSet<>();
        for (String value : values) {
            for (String token : value.split(",")) {
                String t = token.trim();
                if (!t.isEmpty()) {
                    tokens.add(HeaderNames.key(t));
                }
            }
        }
        return tokens;
    }
}
