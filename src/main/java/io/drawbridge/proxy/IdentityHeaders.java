package io.drawbridge.proxy;

import io.drawbridge.Reason;
import io.drawbridge.config.IdentityEncodingConfig;
import io.drawbridge.config.IdentityHeadersConfig;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.AccessDenied;
import io.drawbridge.policy.Decision;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/**
 * Sets the identity headers an upstream may trust, because the gateway removed whatever the client sent under
 * those names. Values are the gateway's own: from the verified token and the role sources.
 *
 * <p>A value is never altered into another one: printable ASCII goes as it is; anything else (controls,
 * non-ASCII, {@code %}, white space at either end, and in the groups header the list syntax) is either
 * percent-encoded or refused, per header ({@link IdentityEncodingConfig}). So two identities that differ in any
 * character, visible or not, never give the same header value.
 */
public final class IdentityHeaders {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final IdentityHeadersConfig names;
    private final boolean encodeUser;
    private final boolean encodeEmail;
    private final boolean encodeGroups;

    public IdentityHeaders(IdentityHeadersConfig names) {
        this.names = names;
        this.encodeUser = IdentityEncodingConfig.PERCENT.equals(names.encoding().user());
        this.encodeEmail = IdentityEncodingConfig.PERCENT.equals(names.encoding().email());
        this.encodeGroups = IdentityEncodingConfig.PERCENT.equals(names.encoding().groups());
    }

    /**
     * Replaces the identity headers with this identity's.
     *
     * @throws AccessDenied {@code identity-unrepresentable} when a value cannot be sent exactly and its header is
     *                      set to refuse such values (nothing is changed then)
     */
    public void apply(Identity identity, HttpHeaders headers) {
        headers.remove(names.user()).remove(names.email()).remove(names.groups()).remove(names.preferredUsername());
        if (identity == null) {
            return;
        }
        String user = value(names.user(), identity.user(), false, encodeUser);
        String email = value(names.email(), identity.email(), false, encodeEmail);
        String groups = null;
        if (!identity.groups().isEmpty()) {
            StringBuilder joined = new StringBuilder();
            for (String group : identity.groups()) {
                if (group == null || group.isEmpty()) {
                    throw refused(names.groups(), "an empty group has no representation in a list");
                }
                joined.append(joined.length() == 0 ? "" : ",").append(value(names.groups(), group, true,
                        encodeGroups));
            }
            groups = joined.toString();
        }
        set(headers, names.user(), user);
        set(headers, names.preferredUsername(), user);
        set(headers, names.email(), email);
        set(headers, names.groups(), groups);
    }

    private static void set(HttpHeaders headers, String name, String value) {
        if (value != null && !value.isEmpty()) {
            headers.set(name, value);
        }
    }

    private static String value(String header, String value, boolean listElement, boolean encode) {
        if (value == null) {
            return null;
        }
        String encoded = encode(value, listElement);
        if (encoded == null) {
            throw refused(header, "a value that is not valid Unicode (a lone surrogate)");
        }
        if (!encode && !encoded.equals(value)) {
            throw refused(header, "a value with characters a header cannot carry exactly");
        }
        return encoded;
    }

    private static AccessDenied refused(String header, String why) {
        return new AccessDenied(Decision.deny(Reason.IDENTITY_UNREPRESENTABLE, null, null, header + ": " + why));
    }

    /**
     * The header form of one value: itself when it is printable ASCII without {@code %} (and, in a list, without
     * {@code , " \ ;}) and without white space at either end; otherwise each other character as the {@code %XX}
     * escapes of its UTF-8 bytes.
     *
     * @return the encoded value, or {@code null} when it holds a lone surrogate (UTF-8 has no bytes for it)
     */
    static String encode(String value, boolean listElement) {
        StringBuilder out = null;
        int last = value.length() - 1;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean plain = c > 0x20 && c < 0x7f && c != '%'
                    && !(listElement && (c == ',' || c == '"' || c == '\\' || c == ';'))
                    || c == ' ' && i != 0 && i != last;
            if (plain) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            int end = i + 1;
            if (Character.isHighSurrogate(c)) {
                if (end > last || !Character.isLowSurrogate(value.charAt(end))) {
                    return null;
                }
                end++;
            } else if (Character.isLowSurrogate(c)) {
                return null;
            }
            for (byte b : value.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
            i = end - 1;
        }
        return out == null ? value : out.toString();
    }
}
