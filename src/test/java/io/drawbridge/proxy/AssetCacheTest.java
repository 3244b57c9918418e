package io.drawbridge.proxy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The route cache's store: its path list, variants by Accept-Encoding, its byte bound and freshness. */
class AssetCacheTest {

    private static AssetCache cache(long maxBytes, String... paths) {
        return new AssetCache(maxBytes, 1024, List.of(paths), Duration.ofSeconds(60), Clock.systemUTC());
    }

    private static CachedResponse entry(int size, String acceptEncoding) {
        return new CachedResponse(List.of(Map.entry("Content-Type", "text/plain")), new byte[size], "\"e\"", null,
                1_000_000, 0, 60, acceptEncoding);
    }

    @Test
    void listedPathsAreExactOrEveryPathBelowAPrefix() {
        AssetCache cache = cache(10_000, "/static/**", "/favicon.ico");
        assertThat(cache.listed("/static")).isTrue();
        assertThat(cache.listed("/static/js/app.js")).isTrue();
        assertThat(cache.listed("/staticfile")).isFalse();
        assertThat(cache.listed("/favicon.ico")).isTrue();
        assertThat(cache.listed("/favicon.ico/x")).isFalse();
    }

    @Test
    void otherPatternsAreRefusedAtStartup() {
        for (String bad : List.of("static/**", "/a/*/b", "/a/**/b", "/a*")) {
            assertThatThrownBy(() -> cache(10_000, bad)).as(bad).hasMessageContaining("cachePaths");
        }
    }

    @Test
    void aResponseThatVariesByEncodingIsKeptPerAcceptEncoding() {
        AssetCache cache = cache(100_000);
        cache.store("k", entry(10, "gzip"));
        cache.store("k", entry(20, "br,gzip"));
        assertThat(cache.find("k", "GZIP").body()).hasSize(10);
        assertThat(cache.find("k", "br, gzip").body()).hasSize(20);
        assertThat(cache.find("k", null)).isNull();
        cache.store("k", entry(30, null)); // the upstream stopped varying: one entry for everyone
        assertThat(cache.find("k", "gzip").body()).hasSize(30);
        assertThat(cache.find("k", null).body()).hasSize(30);
    }

    @Test
    void theCacheStaysWithinItsBytes() {
        AssetCache cache = cache(5_000);
        for (int i = 0; i < 50; i++) {
            cache.store("k" + i, entry(1000, null));
        }
        assertThat(cache.bytes()).isLessThanOrEqualTo(5_000);
        assertThat(cache.entries()).isBetween(1L, 5L);
    }

    @Test
    void anEntryIsFreshUntilItsAgeReachesItsLifetime() {
        CachedResponse kept = new CachedResponse(List.of(), new byte[0], null, null, 1_000_000, 5, 60, null);
        assertThat(kept.age(1_000_000)).isEqualTo(5);
        assertThat(kept.fresh(1_054_999)).isTrue();
        assertThat(kept.age(1_055_000)).isEqualTo(60);
        assertThat(kept.fresh(1_055_000)).isFalse();
    }
}
