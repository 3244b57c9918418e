package io.drawbridge.authn;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Audience binding (RFC 8707): a route that asks for it accepts only tokens whose {@code aud} names one of its
 * resource URLs, so that a token minted for another server is refused ({@link Reason#AUDIENCE_MISMATCH}) and never
 * passed on. Compared exactly, except that a trailing slash does not count.
 */
public final class AudienceBinding {

    private AudienceBinding() {
    }

    /**
     * @param identity  the verified caller
     * @param audiences the audiences the route accepts; {@code null} or empty for no binding
     * @throws AuthenticationFailed {@link Reason#AUDIENCE_MISMATCH} when the token names none of them
     */
    public static void require(Identity identity, Collection<String> audiences) {
        if (audiences == null || audiences.isEmpty()) {
            return;
        }
        Object aud = identity.claims().get("aud");
        List<?> named = aud instanceof Collection<?> c ? List.copyOf(c) : aud == null ? List.of() : List.of(aud);
        Set<String> wanted = audiences.stream().map(AudienceBinding::trim).collect(Collectors.toSet());
        for (Object value : named) {
            if (value instanceof String s && wanted.contains(trim(s))) {
                return;
            }
        }
        throw new AuthenticationFailed(Reason.AUDIENCE_MISMATCH, "the token is not meant for "
                + (audiences.size() == 1 ? audiences.iterator().next() : "any of " + audiences));
    }

    private static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
