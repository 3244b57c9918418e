package io.drawbridge.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One route's shared cache of upstream responses, in memory and bounded in bytes (Caffeine, by weight). It is
 * consulted by the proxy step, after the request was authenticated and authorized like any other, and keeps only
 * what {@link CacheRules} allows. A key is the route, host, path and query; a response that varies by
 * {@code Accept-Encoding} is kept once per (normalized) {@code Accept-Encoding} value, a few at most.
 */
public final class AssetCache {

    private static final int MAX_VARIANTS = 4;

    private final Cache<String, List<CachedResponse>> entries;
    private final long maxEntryBytes;
    private final List<String> paths;
    private final Duration defaultTtl;
    private final Clock clock;

    /**
     * @param maxBytes      the most the route's entries may hold together
     * @param maxEntryBytes the largest body kept; larger responses stream through uncached
     * @param paths         paths whose responses are cacheable without {@code public} or a lifetime:
     *                      {@code /static/**} (that path and below) or an exact path
     * @param defaultTtl    the lifetime of a {@code public} or listed response that states none
     */
    public AssetCache(long maxBytes, long maxEntryBytes, List<String> paths, Duration defaultTtl, Clock clock) {
        for (String path : paths) {
            boolean wildcardOk = path.indexOf('*') < 0
                    || path.endsWith("/**") && path.indexOf('*') == path.length() - 2;
            if (!path.startsWith("/") || !wildcardOk) {
                throw new IllegalArgumentException("cachePaths: '" + path + "' must be an exact path or end in /**,"
                        + " as in /static/**");
            }
        }
        this.entries = Caffeine.newBuilder().maximumWeight(maxBytes)
                .weigher((String key, List<CachedResponse> variants) -> (int) Math.min(Integer.MAX_VALUE,
                        variants.stream().mapToLong(CachedResponse::weight).sum() + key.length()))
                .executor(Runnable::run) // evict on the caller's thread: no pool to share, nothing to wait for
                .build();
        this.maxEntryBytes = maxEntryBytes;
        this.paths = List.copyOf(paths);
        this.defaultTtl = defaultTtl;
        this.clock = clock;
    }

    /** The kept response for a key that answers this {@code Accept-Encoding}, fresh or not; else {@code null}. */
    CachedResponse find(String key, String acceptEncoding) {
        List<CachedResponse> variants = entries.getIfPresent(key);
        if (variants == null) {
            return null;
        }
        String normalized = normalize(acceptEncoding);
        for (CachedResponse variant : variants) {
            if (variant.answers(normalized)) {
                return variant;
            }
        }
        return null;
    }

    void store(String key, CachedResponse response) {
        entries.asMap().compute(key, (k, old) -> {
            List<CachedResponse> variants = new ArrayList<>(MAX_VARIANTS);
            variants.add(response);
            if (old != null && response.acceptEncoding() != null) {
                for (CachedResponse variant : old) {
                    if (variants.size() < MAX_VARIANTS && variant.acceptEncoding() != null
                            && !variant.acceptEncoding().equals(response.acceptEncoding())) {
                        variants.add(variant);
                    }
                }
            }
            return List.copyOf(variants);
        });
    }

    /** Forgets a key: the upstream changed it (an unsafe method) or no longer lets it be kept. */
    void invalidate(String key) {
        entries.invalidate(key);
    }

    /** Whether the route lists this path as cacheable whatever the upstream says of it. */
    boolean listed(String path) {
        for (String pattern : paths) {
            if (pattern.endsWith("/**")) {
                String prefix = pattern.substring(0, pattern.length() - 3);
                if (path.startsWith(prefix) && (path.length() == prefix.length()
                        || path.charAt(prefix.length()) == '/')) {
                    return true;
                }
            } else if (pattern.equals(path)) {
                return true;
            }
        }
        return false;
    }

    long maxEntryBytes() {
        return maxEntryBytes;
    }

    Duration defaultTtl() {
        return defaultTtl;
    }

    long now() {
        return clock.millis();
    }

    /** How many keys are kept now. */
    public long entries() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    /** How many bytes the kept responses weigh now. */
    public long bytes() {
        return entries.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    /** An {@code Accept-Encoding} as a key: lower case, without spaces; {@code ""} when absent. */
    static String normalize(String acceptEncoding) {
        return acceptEncoding == null ? "" : acceptEncoding.replace(" ", "").replace("\t", "")
                .toLowerCase(Locale.ROOT);
    }
}
