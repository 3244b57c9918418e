package io.drawbridge.config;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Identity header names: RFC 9110 tokens, the three set headers distinct (as the gateway compares them: ignoring
 * case, {@code _} as {@code -}), {@code *} only as the last character of a {@code strip} prefix, and each
 * {@code encoding} either {@code percent} or {@code refuse}.
 */
final class IdentityHeadersCheck implements ConfigCheck {

    /** RFC 9110 tchar, less '*', which means "prefix" in strip and nothing in a header the gateway sets. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9!#$%&'+.^_`|~-]+");
    private static final String RULE = "letters, digits and !#$%&'+-.^_`|~ only";

    @Override
    public void check(GatewayConfig config, Problems problems) {
        IdentityHeadersConfig headers = config.identityHeaders();
        Map<String, String> seen = new HashMap<>();
        set("identityHeaders.user", headers.user(), seen, problems);
        set("identityHeaders.email", headers.email(), seen, problems);
        set("identityHeaders.groups", headers.groups(), seen, problems);
        encoding("identityHeaders.encoding.user", headers.encoding().user(), problems);
        encoding("identityHeaders.encoding.email", headers.encoding().email(), problems);
        encoding("identityHeaders.encoding.groups", headers.encoding().groups(), problems);
        List<String> strip = headers.strip();
        for (int i = 0; i < strip.size(); i++) {
            String name = strip.get(i);
            String stem = name.endsWith("*") ? name.substring(0, name.length() - 1) : name;
            if (!NAME.matcher(stem).matches()) {
                problems.add("identityHeaders.strip[" + i + "]", "must be a header name or a prefix ending in '*'"
                        + " such as X-Internal-*: " + RULE + ", and '*' only at the end");
            }
        }
    }

    private static void encoding(String field, String value, Problems problems) {
        if (!value.equals(IdentityEncodingConfig.PERCENT) && !value.equals(IdentityEncodingConfig.REFUSE)) {
            problems.add(field, "must be percent (encode what a header cannot carry) or refuse (403)");
        }
    }

    private static void set(String field, String name, Map<String, String> seen, Problems problems) {
        if (!NAME.matcher(name).matches()) {
            problems.add(field, "must be a header name: " + RULE);
            return;
        }
        String other = seen.putIfAbsent(name.toLowerCase(Locale.ROOT).replace('_', '-'), field);
        if (other != null) {
            problems.add(field, "is the same header as " + other + " (case and _ versus - do not matter)");
        }
    }
}
