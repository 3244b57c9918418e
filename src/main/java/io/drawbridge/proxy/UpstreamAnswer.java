package io.drawbridge.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the gateway will not pass on from an upstream's response head. A status outside 100-599, or a header
 * value with a control character (a bare CR splits headers for some clients), makes the whole answer invalid:
 * the client gets 502 {@code upstream-invalid} instead. A {@code Set-Cookie} for one of the gateway's own cookies
 * (the session, its numbered parts, the login cookie; in any letter case, with or without a {@code __Host-} or
 * {@code __Secure-} prefix) is removed, so no application behind the gateway can plant or overwrite a session.
 */
final class UpstreamAnswer {

    private UpstreamAnswer() {
    }

    /** @return why the head cannot be passed on, or {@code null} when it can */
    static String problem(HttpResponse response) {
        int code = response.status().code();
        if (code < 100 || code > 599) {
            return "status " + code + " outside 100-599";
        }
        for (Map.Entry<String, String> header : response.headers()) {
            String value = header.getValue();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    return "control character in the value of a response header";
                }
            }
        }
        return null;
    }

    /**
     * Removes the upstream's {@code Set-Cookie}s for the gateway's own cookies.
     *
     * @param ownCookie the session cookie's name; its parts and the login cookie are {@code <name>_...}
     * @return the names of the cookies removed, empty when none
     */
    static List<String> removeOwnCookies(HttpHeaders headers, String ownCookie) {
        if (!headers.contains(HttpHeaderNames.SET_COOKIE)) {
            return List.of();
        }
        String own = ownCookie.toLowerCase(Locale.ROOT);
        List<String> removed = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (Iterator<Map.Entry<String, String>> it = headers.iteratorAsString(); it.hasNext(); ) {
            Map.Entry<String, String> header = it.next();
            if (!header.getKey().equalsIgnoreCase("Set-Cookie")) {
                continue;
            }
            String value = header.getValue();
            String name = cookieName(value);
            if (name.equals(own) || name.startsWith(own + "_")) {
                removed.add(clip(name));
            } else {
                kept.add(value);
            }
        }
        if (!removed.isEmpty()) {
            headers.remove(HttpHeaderNames.SET_COOKIE);
            kept.forEach(v -> headers.add(HttpHeaderNames.SET_COOKIE, v));
        }
        return removed;
    }

    /**
     * The cookie's name as a browser keys it, lower case, without the {@code __Host-}/{@code __Secure-} prefix.
     * For a cookie without {@code =} (which browsers store under an empty name, and send back as the bare value)
     * it is that value: sent back, it reads like a cookie of that name.
     */
    static String cookieName(String setCookie) {
        int end = setCookie.length();
        for (int i = 0; i < setCookie.length(); i++) {
            char c = setCookie.charAt(i);
            if (c == '=' || c == ';') {
                end = i;
                break;
            }
        }
        String name = setCookie.substring(0, end).strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("__host-")) {
            return name.substring(7);
        }
        return name.startsWith("__secure-") ? name.substring(9) : name;
    }

    private static String clip(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64) + "...";
    }
}
