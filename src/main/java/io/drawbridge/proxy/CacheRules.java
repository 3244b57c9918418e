package io.drawbridge.proxy;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/**
 * Which upstream responses the gateway's shared cache may keep, and for how long (RFC 9111, read strictly).
 * Every user of a route shares its cache while the upstream sees each user's identity headers, so a response is
 * kept only when the upstream says it is the same for everyone: a {@code 200} without {@code Set-Cookie}, without
 * {@code private}, {@code no-store} or {@code no-cache}, varying at most by {@code Accept-Encoding}, with a
 * freshness lifetime ({@code s-maxage}, {@code max-age}, {@code Expires}; or {@code public} or a listed path with
 * the route's default). When the upstream also received the caller's {@code Authorization} or {@code Cookie}, only
 * {@code public} or {@code s-maxage} (or a listed path) will do, as section 3.5 asks of shared caches. Pure: no I/O.
 */
final class CacheRules {

    /** The share of a response's age since {@code Last-Modified} taken as its lifetime when none is given. */
    private static final int HEURISTIC_PERCENT = 10;

    private CacheRules() {
    }

    /**
     * Whether a response may be kept.
     *
     * @param lifetimeSeconds how long it stays fresh from its {@code Date}, when storable
     * @param refusal         why it may not be kept, or {@code null} when it may
     */
    record Verdict(long lifetimeSeconds, String refusal) {

        boolean storable() {
            return refusal == null;
        }

        static Verdict no(String why) {
            return new Verdict(0, why);
        }
    }

    /**
     * @param status          the response's status
     * @param response        the response's headers as the upstream sent them
     * @param credentialsSent whether the upstream received the caller's {@code Authorization} or {@code Cookie}
     * @param listedPath      whether the route lists the path as cacheable ({@code cachePaths})
     * @param defaultTtl      the lifetime of a {@code public} or listed response that states none
     * @param nowMillis       when the response arrived
     */
    static Verdict judge(int status, HttpHeaders response, boolean credentialsSent, boolean listedPath,
                         Duration defaultTtl, long nowMillis) {
        if (status != 200) {
            return Verdict.no("status " + status);
        }
        List<String> values = response.getAll(HttpHeaderNames.CACHE_CONTROL);
        CacheControl cc = CacheControl.parse(values);
        if (cc.malformed()) {
            return Verdict.no("malformed Cache-Control");
        }
        for (String directive : List.of("no-store", "private", "no-cache")) {
            if (cc.has(directive)) {
                return Verdict.no(directive);
            }
        }
        if (values.isEmpty() && response.getAll(HttpHeaderNames.PRAGMA).stream()
                .anyMatch(p -> p.toLowerCase(Locale.ROOT).contains("no-cache"))) {
            return Verdict.no("Pragma: no-cache");
        }
        if (response.contains(HttpHeaderNames.SET_COOKIE)) {
            return Verdict.no("Set-Cookie");
        }
        String vary = unsafeVary(response.getAll(HttpHeaderNames.VARY));
        if (vary != null) {
            return Verdict.no("Vary: " + vary);
        }
        boolean shared = cc.has("public") || cc.has("s-maxage");
        if (credentialsSent && !shared && !listedPath) {
            return Verdict.no("the upstream saw the caller's credentials and did not say public");
        }
        long sMaxAge = cc.seconds("s-maxage");
        long maxAge = cc.seconds("max-age");
        if (sMaxAge == -2 || maxAge == -2) {
            return Verdict.no("malformed max-age");
        }
        long lifetime = sMaxAge >= 0 ? sMaxAge : maxAge >= 0 ? maxAge : expiresLifetime(response, nowMillis);
        if (lifetime == -1) {
            if (!cc.has("public") && !listedPath) {
                return Verdict.no("no freshness lifetime");
            }
            lifetime = heuristic(response, defaultTtl, nowMillis);
        }
        return lifetime > 0 ? new Verdict(lifetime, null) : Verdict.no("already stale");
    }

    /** The first {@code Vary} field other than {@code Accept-Encoding} (the cache keys by that one), or null. */
    private static String unsafeVary(List<String> values) {
        for (String value : values) {
            for (String field : value.split(",")) {
                String name = field.trim();
                if (!name.isEmpty() && !name.equalsIgnoreCase("accept-encoding")) {
                    return name;
                }
            }
        }
        return null;
    }

    /** Whether the response varies by the request's {@code Accept-Encoding}. */
    static boolean variesByEncoding(HttpHeaders response) {
        return response.getAll(HttpHeaderNames.VARY).stream().anyMatch(v -> v.toLowerCase(Locale.ROOT)
                .contains("accept-encoding"));
    }

    /** {@code Expires} minus {@code Date}: -1 without {@code Expires}, 0 for one that is invalid (section 5.3). */
    private static long expiresLifetime(HttpHeaders response, long nowMillis) {
        String expires = response.get(HttpHeaderNames.EXPIRES);
        if (expires == null) {
            return -1;
        }
        Date at = DateFormatter.parseHttpDate(expires);
        if (at == null) {
            return 0;
        }
        return Math.max(0, (at.getTime() - dateMillis(response, nowMillis)) / 1000);
    }

    /** A tenth of the time since {@code Last-Modified}, at most the route's default; else the default. */
    private static long heuristic(HttpHeaders response, Duration defaultTtl, long nowMillis) {
        long ttl = defaultTtl.toSeconds();
        String lastModified = response.get(HttpHeaderNames.LAST_MODIFIED);
        Date modified = lastModified == null ? null : DateFormatter.parseHttpDate(lastModified);
        if (modified == null) {
            return ttl;
        }
        long since = (dateMillis(response, nowMillis) - modified.getTime()) / 1000;
        return Math.min(ttl, Math.max(0, since * HEURISTIC_PERCENT / 100));
    }

    /**
     * The response's age when it arrived (section 4.2.3): the larger of its {@code Age} and how long ago its
     * {@code Date} was, in seconds.
     */
    static long initialAge(HttpHeaders response, long nowMillis) {
        long apparent = Math.max(0, (nowMillis - dateMillis(response, nowMillis)) / 1000);
        String age = response.get(HttpHeaderNames.AGE);
        long stated = 0;
        if (age != null && !age.isBlank() && age.trim().chars().allMatch(c -> c >= '0' && c <= '9')
                && age.trim().length() < 10) {
            stated = Long.parseLong(age.trim());
        }
        return Math.max(apparent, stated);
    }

    private static long dateMillis(HttpHeaders response, long nowMillis) {
        String date = response.get(HttpHeaderNames.DATE);
        Date parsed = date == null ? null : DateFormatter.parseHttpDate(date);
        return parsed == null ? nowMillis : Math.min(parsed.getTime(), nowMillis);
    }

    /**
     * Whether a conditional request is answered {@code 304} by a response with these validators: any tag of
     * {@code If-None-Match} equal to the {@code ETag} by weak comparison (or {@code *}); without
     * {@code If-None-Match}, an {@code If-Modified-Since} no earlier than {@code Last-Modified}.
     */
    static boolean notModified(HttpHeaders request, String etag, String lastModified) {
        String ifNoneMatch = request.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            if (etag == null) {
                return false;
            }
            String wanted = opaque(etag);
            for (String tag : ifNoneMatch.split(",")) {
                String t = tag.trim();
                if (t.equals("*") || opaque(t).equals(wanted)) {
                    return true;
                }
            }
            return false;
        }
        String since = request.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (since == null || lastModified == null) {
            return false;
        }
        Date asked = DateFormatter.parseHttpDate(since);
        Date modified = DateFormatter.parseHttpDate(lastModified);
        return asked != null && modified != null && !modified.after(asked);
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
