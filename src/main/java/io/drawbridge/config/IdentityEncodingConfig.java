package io.drawbridge.config;

/**
 * What the gateway does with an identity value that cannot travel in a header exactly as it is: control or
 * non-ASCII characters (invisible ones such as U+200B included), {@code %}, white space at either end, and, in
 * the groups header, the list syntax ({@code ,} {@code "} {@code \} {@code ;}). A value made of printable ASCII
 * only is always sent as it is; for the others, per header:
 * <ul>
 *   <li>{@code percent}: each such character is sent as the {@code %XX} escapes of its UTF-8 bytes (as RFC 8187
 *       and RFC 3986 do), {@code %} itself as {@code %25}. Reversible (percent-decode as UTF-8), and two different
 *       values never give the same header, however alike they look;</li>
 *   <li>{@code refuse}: the request is refused with 403 {@code identity-unrepresentable}, audited.</li>
 * </ul>
 * A value that is not even valid Unicode (a lone surrogate) is always refused; the signed assertion carries every
 * value exactly, whatever is chosen here.
 *
 * @param user   for the user and preferred-username headers; default {@code percent}: Grafana's auth proxy
 *               creates the (distinct) encoded login, Backstage's {@code oauth2Proxy} resolvers find no entity
 *               (entity names are {@code [A-Za-z0-9._-]}), so nobody passes as somebody else
 * @param email  for the e-mail header; default {@code refuse}: consumers compare addresses literally and an
 *               encoded address is no address
 * @param groups for the groups header; default {@code percent}: consumers (oauth2-proxy, Grafana) split the
 *               value on {@code ,} and trim white space, so those are what gets encoded
 */
public record IdentityEncodingConfig(String user, String email, String groups) {

    public static final String PERCENT = "percent";
    public static final String REFUSE = "refuse";

    public IdentityEncodingConfig {
        user = user == null ? PERCENT : user;
        email = email == null ? REFUSE : email;
        groups = groups == null ? PERCENT : groups;
    }

    public static IdentityEncodingConfig defaults() {
        return new IdentityEncodingConfig(null, null, null);
    }
}
