package io.drawbridge.proxy;

import io.drawbridge.edge.HeaderNames;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies an upstream's response headers onto the Camel message, as the client will get them: hop-by-hop headers
 * and the ones the upstream named in {@code Connection} stay behind, so do Camel's internal ones; repeated
 * headers such as {@code Set-Cookie} stay repeated, in order.
 */
final class ResponseHeaders {

    private ResponseHeaders() {
    }

    static void copy(HttpHeaders from, Map<String, Object> to) {
        Set<String> connectionNamed = new HashSet<>();
        for (String value : from.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                connectionNamed.add(HeaderNames.key(token.trim()));
            }
        }
        for (Map.Entry<String, String> header : from) {
            String name = header.getKey();
            if (HeaderNames.isHopByHop(name) || HeaderNames.isCamelInternal(name)
                    || (!connectionNamed.isEmpty() && connectionNamed.contains(HeaderNames.key(name)))) {
                continue;
            }
            Object existing = to.get(name);
            if (existing == null) {
                to.put(name, header.getValue());
            } else if (existing instanceof List<?> list) {
                @SuppressWarnings("unchecked")
                List<String> values = (List<String>) list;
                values.add(header.getValue());
            } else {
                List<String> values = new ArrayList<>(2);
                values.add((String) existing);
                values.add(header.getValue());
                to.put(name, values);
            }
        }
    }
}
