package io.drawbridge.config;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The {@code access} section, and what policies' {@code request} sections need from the rest of the file: a
 * policy whose approvers are its route's {@code owners} needs the catalog that knows them.
 */
final class AccessCheck implements ConfigCheck {

    private static final Pattern CAMEL_URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.+");

    @Override
    public void check(GatewayConfig config, Problems problems) {
        AccessConfig access = config.accessOrDefaults();
        String url = access.store().url();
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            problems.add("access.store.url", "must be a jdbc:h2: or jdbc:postgresql: URL");
        }
        if (url.startsWith("jdbc:h2:mem:")) {
            problems.add("access.store.url", "an in-memory database forgets every grant on restart; use"
                    + " jdbc:h2:file:... or jdbc:postgresql:");
        }
        for (int i = 0; i < access.notifyUris().size(); i++) {
            String uri = access.notifyUris().get(i);
            if (uri == null || !CAMEL_URI.matcher(uri).matches()) {
                problems.add("access.notify[" + i + "]", "must be a Camel endpoint URI, scheme:..., such as"
                        + " https://hooks.example.com/drawbridge");
            }
        }
        positive(access.requestExpiry(), "access.requestExpiry", problems);
        positive(access.refresh(), "access.refresh", problems);
        positive(access.maxStaleness(), "access.maxStaleness", problems);
        if (access.refresh().compareTo(access.maxStaleness()) >= 0) {
            problems.add("access.maxStaleness", "must be longer than access.refresh (" + access.refresh() + ")");
        }
        if (access.refresh().compareTo(Duration.ofSeconds(5)) > 0) {
            problems.add("access.refresh", "must be at most 5s: a revoked grant must stop admitting within 5s");
        }
        if (access.maxOpenPerUser() < 1) {
            problems.add("access.maxOpenPerUser", "must be at least 1");
        }
        if (access.baseUrl() != null && !access.baseUrl().matches("https?://[^/?#\\s]+(/[^?#\\s]*)?")) {
            problems.add("access.baseUrl", "must be an http(s) URL such as https://gateway.example.com");
        }
        config.policies().forEach((name, policy) -> {
            if (policy != null && policy.request() != null && config.catalog() == null
                    && policy.request().approvers().stream().anyMatch("owners"::equals)) {
                problems.add("policies." + name + ".request.approvers", "owners are read from the catalog, and there"
                        + " is no catalog section; name groups or users instead");
            }
        });
    }

    private static void positive(Duration value, String field, Problems problems) {
        if (value.isNegative() || value.isZero()) {
            problems.add(field, "must be longer than zero");
        }
    }
}
