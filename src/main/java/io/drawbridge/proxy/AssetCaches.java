package io.drawbridge.proxy;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The asset caches of one gateway's routes, for the metrics' entry and byte gauges. A cache leaves when its route's
 * step stops (or, failing that, when nothing else holds it).
 */
public final class AssetCaches {

    private final Set<AssetCache> caches = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    public void add(AssetCache cache) {
        caches.add(cache);
    }

    public void remove(AssetCache cache) {
        caches.remove(cache);
    }

    /** The keys kept by all routes' caches. */
    public long entries() {
        synchronized (caches) {
            return caches.stream().mapToLong(AssetCache::entries).sum();
        }
    }

    /** The bytes kept by all routes' caches. */
    public long bytes() {
        synchronized (caches) {
            return caches.stream().mapToLong(AssetCache::bytes).sum();
        }
    }
}
