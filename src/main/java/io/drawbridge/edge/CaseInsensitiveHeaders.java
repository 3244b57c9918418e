package io.drawbridge.edge;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Camel message headers as a hash map with case-insensitive keys that keeps each key's first spelling and the
 * insertion order. Camel's default is a tree map ordered by {@code String.CASE_INSENSITIVE_ORDER}, whose
 * character-by-character comparisons showed at the top of the gateway's profile: every request puts and reads its
 * headers through this map twice.
 */
public final class CaseInsensitiveHeaders extends AbstractMap<String, Object> {

    private static final class Slot implements Map.Entry<String, Object> {
        private final String key;
        private Object value;

        Slot(String key, Object value) {
            this.key = key;
            this.value = value;
        }

        @Override
        public String getKey() {
            return key;
        }

        @Override
        public Object getValue() {
            return value;
        }

        @Override
        public Object setValue(Object v) {
            Object old = value;
            value = v;
            return old;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && key.equals(e.getKey()) && Objects.equals(value, e.getValue());
        }

        @Override
        public int hashCode() {
            return key.hashCode() ^ Objects.hashCode(value);
        }

        @Override
        public String toString() {
            return key + "=" + value;
        }
    }

    private final LinkedHashMap<String, Slot> slots;

    public CaseInsensitiveHeaders() {
        slots = new LinkedHashMap<>(32);
    }

    public CaseInsensitiveHeaders(Map<String, Object> copy) {
        slots = new LinkedHashMap<>(Math.max(32, copy.size() * 2));
        putAll(copy);
    }

    /** The lookup key: lower case; a name already lower case (the usual case on the wire) is not copied. */
    private static String fold(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if ((c >= 'A' && c <= 'Z') || c > 0x7f) {
                return key.toLowerCase(Locale.ROOT);
            }
        }
        return key;
    }

    @Override
    public Object get(Object key) {
        Slot slot = key instanceof String s ? slots.get(fold(s)) : null;
        return slot == null ? null : slot.value;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String s && slots.containsKey(fold(s));
    }

    @Override
    public Object put(String key, Object value) {
        String folded = fold(key);
        Slot slot = slots.get(folded);
        if (slot != null) {
            return slot.setValue(value);
        }
        slots.put(folded, new Slot(key, value));
        return null;
    }

    @Override
    public Object remove(Object key) {
        Slot slot = key instanceof String s ? slots.remove(fold(s)) : null;
        return slot == null ? null : slot.value;
    }

    @Override
    public void clear() {
        slots.clear();
    }

    @Override
    public int size() {
        return slots.size();
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                Iterator<Slot> it = slots.values().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        return it.next();
                    }

                    @Override
                    public void remove() {
                        it.remove();
                    }
                };
            }

            @Override
            public int size() {
                return slots.size();
            }

            @Override
            public void clear() {
                slots.clear();
            }
        };
    }
}
