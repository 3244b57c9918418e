package io.drawbridge.proxy;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Which responses the shared cache keeps and for how long (RFC 9111, strictly), and when it answers 304. */
class CacheRulesTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final Duration TTL = Duration.ofSeconds(60);

    private static HttpHeaders headers(String... pairs) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < pairs.length; i += 2) {
            h.add(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    private static CacheRules.Verdict judge(HttpHeaders response) {
        return CacheRules.judge(200, response, false, false, TTL, NOW);
    }

    private static String http(long millis) {
        return DateFormatter.format(new Date(millis));
    }

    @ParameterizedTest(name = "{0} is kept {1} s")
    @CsvSource(delimiter = '|', value = {
        "public, max-age=300 | 300",
        "max-age=120 | 120",
        "s-maxage=30, max-age=600 | 30",
        "public, s-maxage=10 | 10",
        "PUBLIC, MAX-AGE=5 | 5",
        "max-age=\"7\" | 7",
        "immutable, max-age=31536000 | 31536000",
        "max-age=99999999999999999999 | 2147483647"})
    void aResponseMarkedCacheableForEveryoneIsKeptForItsLifetime(String cacheControl, long seconds) {
        CacheRules.Verdict verdict = judge(headers("Cache-Control", cacheControl));
        assertThat(verdict.refusal()).isNull();
        assertThat(verdict.lifetimeSeconds()).isEqualTo(seconds);
    }

    @ParameterizedTest(name = "{0} is never kept")
    @CsvSource(delimiter = '|', value = {
        "private, max-age=300 | private",
        "public, private | private",
        "private=\"x-user\", max-age=300 | private",
        "no-store | no-store",
        "public, max-age=300, no-store | no-store",
        "no-cache, max-age=300 | no-cache",
        "max-age=0 | already stale",
        "max-age=ten | malformed max-age",
        "max-age=-1 | malformed",
        "max-age=60, max-age=3600 | malformed Cache-Control",
        "public, max-age=60 \"x\" | malformed Cache-Control",
        "must-revalidate | no freshness lifetime"})
    void aResponseThatIsNotTheSameForEveryoneIsNotKept(String cacheControl, String why) {
        CacheRules.Verdict verdict = judge(headers("Cache-Control", cacheControl));
        assertThat(verdict.storable()).isFalse();
        assertThat(verdict.refusal()).contains(why);
    }

    @Test
    void aCookieOrAVaryOnIdentityMakesAPublicResponseUncacheable() {
        assertThat(judge(headers("Cache-Control", "public, max-age=60", "Set-Cookie", "a=1")).refusal())
                .isEqualTo("Set-Cookie");
        for (String vary : List.of("Authorization", "Cookie", "*", "Accept-Encoding, X-Auth-Request-User")) {
            assertThat(judge(headers("Cache-Control", "public, max-age=60", "Vary", vary)).storable())
                    .as(vary).isFalse();
        }
        assertThat(judge(headers("Cache-Control", "public, max-age=60", "Vary", "accept-encoding")).storable())
                .isTrue();
    }

    @Test
    void aListedPathIsKeptWithoutPublicButNeverWhenPrivateOrWithACookie() {
        assertThat(CacheRules.judge(200, headers(), false, true, TTL, NOW).lifetimeSeconds()).isEqualTo(60);
        assertThat(CacheRules.judge(200, headers(), false, false, TTL, NOW).refusal())
                .isEqualTo("no freshness lifetime");
        assertThat(CacheRules.judge(200, headers("Cache-Control", "private"), false, true, TTL, NOW).storable())
                .isFalse();
        assertThat(CacheRules.judge(200, headers("Set-Cookie", "s=1"), false, true, TTL, NOW).storable()).isFalse();
        assertThat(CacheRules.judge(200, headers("Cache-Control", "no-store"), false, true, TTL, NOW).storable())
                .isFalse();
    }

    @Test
    void whenTheUpstreamSawTheCallersCredentialsOnlyPublicOrSMaxAgeWill() {
        assertThat(CacheRules.judge(200, headers("Cache-Control", "max-age=60"), true, false, TTL, NOW).storable())
                .isFalse();
        assertThat(CacheRules.judge(200, headers("Cache-Control", "public, max-age=60"), true, false, TTL, NOW)
                .storable()).isTrue();
        assertThat(CacheRules.judge(200, headers("Cache-Control", "s-maxage=60"), true, false, TTL, NOW)
                .storable()).isTrue();
    }

    @Test
    void onlyOkResponsesAreKept() {
        for (int status : new int[] {201, 204, 206, 301, 304, 404, 500}) {
            assertThat(CacheRules.judge(status, headers("Cache-Control", "public, max-age=60"), false, false, TTL,
                    NOW).storable()).as("" + status).isFalse();
        }
    }

    @Test
    void expiresCountsFromTheResponsesDateAndAnInvalidOneIsAlreadyStale() {
        assertThat(judge(headers("Date", http(NOW - 10_000), "Expires", http(NOW + 50_000))).lifetimeSeconds())
                .isEqualTo(60);
        assertThat(judge(headers("Expires", "0")).refusal()).isEqualTo("already stale");
        assertThat(judge(headers("Expires", http(NOW + 30_000), "Cache-Control", "max-age=5")).lifetimeSeconds())
                .as("max-age wins over Expires").isEqualTo(5);
    }

    @Test
    void aPublicResponseWithoutLifetimeGetsATenthOfItsAgeAtMostTheDefault() {
        assertThat(judge(headers("Cache-Control", "public", "Last-Modified", http(NOW - 200_000))).lifetimeSeconds())
                .isEqualTo(20);
        assertThat(judge(headers("Cache-Control", "public", "Last-Modified", http(NOW - 86_400_000)))
                .lifetimeSeconds()).isEqualTo(60);
        assertThat(judge(headers("Cache-Control", "public")).lifetimeSeconds()).isEqualTo(60);
    }

    @Test
    void pragmaNoCacheCountsOnlyWithoutCacheControl() {
        assertThat(judge(headers("Pragma", "no-cache", "Expires", http(NOW + 60_000))).storable()).isFalse();
        assertThat(judge(headers("Pragma", "no-cache", "Cache-Control", "max-age=60")).storable()).isTrue();
    }

    @Test
    void theInitialAgeIsTheLargerOfAgeAndTheDatesDistance() {
        assertThat(CacheRules.initialAge(headers("Age", "30", "Date", http(NOW - 5_000)), NOW)).isEqualTo(30);
        assertThat(CacheRules.initialAge(headers("Age", "3", "Date", http(NOW - 5_000)), NOW)).isEqualTo(5);
        assertThat(CacheRules.initialAge(headers("Age", "junk"), NOW)).isZero();
        assertThat(CacheRules.initialAge(headers("Date", http(NOW + 99_000)), NOW)).as("a date ahead").isZero();
    }

    @Test
    void ifNoneMatchComparesWeaklyAndWinsOverIfModifiedSince() {
        assertThat(CacheRules.notModified(headers("If-None-Match", "\"a\", W/\"v1\""), "\"v1\"", null)).isTrue();
        assertThat(CacheRules.notModified(headers("If-None-Match", "\"v1\""), "W/\"v1\"", null)).isTrue();
        assertThat(CacheRules.notModified(headers("If-None-Match", "*"), "\"x\"", null)).isTrue();
        assertThat(CacheRules.notModified(headers("If-None-Match", "\"v2\""), "\"v1\"", null)).isFalse();
        assertThat(CacheRules.notModified(headers("If-None-Match", "\"v2\"", "If-Modified-Since", http(NOW)),
                "\"v1\"", http(NOW - 60_000))).isFalse();
        assertThat(CacheRules.notModified(headers("If-None-Match", "\"v1\""), null, null)).isFalse();
    }

    @Test
    void ifModifiedSinceIsAnsweredWhenNothingChangedSince() {
        assertThat(CacheRules.notModified(headers("If-Modified-Since", http(NOW)), null, http(NOW - 60_000)))
                .isTrue();
        assertThat(CacheRules.notModified(headers("If-Modified-Since", http(NOW - 120_000)), null,
                http(NOW - 60_000))).isFalse();
        assertThat(CacheRules.notModified(headers("If-Modified-Since", "yesterday"), null, http(NOW))).isFalse();
        assertThat(CacheRules.notModified(headers(), "\"v1\"", http(NOW))).isFalse();
    }
}
