package io.drawbridge.edge;

import java.util.Map;
import org.apache.camel.spi.HeadersMapFactory;

/**
 * Makes Camel use {@link CaseInsensitiveHeaders} for message headers; found by Camel through
 * {@code META-INF/services/org/apache/camel/headers-map-factory}.
 */
public final class CaseInsensitiveHeadersFactory implements HeadersMapFactory {

    @Override
    public Map<String, Object> newMap() {
        return new CaseInsensitiveHeaders();
    }

    @Override
    public Map<String, Object> newMap(Map<String, Object> map) {
        return new CaseInsensitiveHeaders(map);
    }

    @Override
    public boolean isInstanceOf(Map<String, Object> map) {
        return map instanceof CaseInsensitiveHeaders;
    }

    @Override
    public boolean isCaseInsensitive() {
        return true;
    }
}
