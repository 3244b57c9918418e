package io.drawbridge.edge;

import io.drawbridge.config.IdentityHeadersConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.util.CaseInsensitiveMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which client headers reach the route's message. The target map is Camel's own header map (case-insensitive),
 * as {@code GatewayConsumer} uses it, unless a test says otherwise.
 */
class RequestHygieneTest {

    private static final IdentityHeadersConfig ACME = new IdentityHeadersConfig(
            "X-Acme-User", "X-Acme-Mail", "X-Acme-Groups", null, List.of("X-Corp-Auth-*", "X-Tenant"));

    private final RequestHygiene defaults = new RequestHygiene(new IdentityHeaderFilter(IdentityHeadersConfig.defaults()));
    private final RequestHygiene acme = new RequestHygiene(new IdentityHeaderFilter(ACME));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // hop-by-hop
            "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
            "Proxy-Authorization", "Proxy-Authenticate", "keep_alive", "PROXY-AUTHORIZATION",
            // Camel's own, in any case
            "CamelHttpUri", "camelhttpuri", "CAMELHTTPURI", "cAmElFoo", "CamelHttpMethod", "CamelHttpPath",
            "CamelFileName", "Camel", "org.apache.camel.Anything", "ORG.APACHE.CAMEL.X",
            // identity headers: the defaults, spelled every way
            "X-Forwarded-User", "x-forwarded-user", "x_forwarded_user", "X_FORWARDED_USER", "X-FORWARDED_EMAIL",
            "X-Forwarded-Groups", "x-forwarded_groups",
            // the well-known list, and its prefixes
            "X-Forwarded-Preferred-Username", "X-Forwarded-Access-Token", "X-Auth-Request-User",
            "X-Auth-Request-Email", "X-Auth-Request-Groups", "X-Auth-Request-Preferred-Username",
            "X-Auth-Request-Access-Token", "X-OAUTH2-PROXY-ID-TOKEN", "X-Remote-User", "Remote-User",
            "remote_user", "X-User", "X-Email", "X-Remote-Group", "X-Pomerium-Jwt-Assertion",
            "X-Pomerium-Claim-Email", "X-Goog-Authenticated-User-Email", "X-Goog-Authenticated-User-Id",
            "X-Goog-IAP-JWT-Assertion", "X-Amzn-Oidc-Data", "X-Amzn-Oidc-Identity", "X-MS-CLIENT-PRINCIPAL",
            "X-MS-CLIENT-PRINCIPAL-NAME", "X-MS-CLIENT-PRINCIPAL-ID", "X-Drawbridge-Assertion",
            "X-Drawbridge-Anything", "x_drawbridge_user", "OIDC_CLAIM_email", "OIDC-Claim-Sub", "OIDC_access_token",
            "oidc-access-token", "OIDC_id_token",
            // forwarding headers
            "X-Forwarded-For", "x_forwarded_for", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port",
            "X-Forwarded-Prefix", "X-Forwarded-Server", "X-Forwarded-Ssl", "X-Forwarded-Scheme",
            "X-Forwarded-Protocol", "X-Url-Scheme", "Forwarded", "X-Real-IP", "x_real_ip", "X-Client-IP",
            "X-Cluster-Client-IP", "True-Client-IP", "CF-Connecting-IP", "X-Original-URL", "X-Rewrite-URL",
            "X-Original-URI", "X-Envoy-Original-Path",
            // method overrides
            "X-HTTP-Method-Override", "x_http_method_override", "X-HTTP-Method", "X-Method-Override",
            "X-HTTP-Verb",
            // derived by the gateway
            "Host", "Content-Length", "Expect", "X-Request-Id", "x_request_id", "content_length"})
    void removes(String name) {
        HttpHeaders headers = headers(name, "forged", "Accept", "text/html");

        Map<String, Object> message = copy(defaults, headers);

        assertThat(message).containsExactly(Map.entry("Accept", "text/html"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"X-Acme-User", "x_acme_user", "X-ACME-MAIL", "X-Acme-Groups", "X-Corp-Auth-Role",
            "x_corp_auth_anything", "X-Tenant", "x_tenant", "X-Forwarded-User", "X-Pomerium-Jwt-Assertion"})
    void removesConfiguredIdentityHeadersAndPrefixesBesideTheWellKnownOnes(String name) {
        Map<String, Object> message = copy(acme, headers(name, "forged", "Accept", "text/html"));

        assertThat(message).containsExactly(Map.entry("Accept", "text/html"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Accept             | text/html, application/json;q=0.9
            Authorization      | Bearer eyJhbGciOi.eyJzdWIi.c2ln
            Cookie             | a=1; b="two, three"
            User-Agent         | Mozilla/5.0 (X11; Linux x86_64)
            Content-Type       | multipart/form-data; boundary=----x
            If-None-Match      | "etag-1", W/"etag-2"
            X-Custom           | keep me
            X-Forwarded        | not a forwarding header
            X-Users            | not X-User
            X-Corp-Authority   | not the X-Corp-Auth- prefix
            """)
    void keepsOrdinaryHeadersWithTheirValuesIntact(String name, String value) {
        Map<String, Object> message = copy(acme, headers(name, value));

        assertThat(message).containsExactly(Map.entry(name, value));
    }

    @Test
    void removesHeadersNamedInConnectionInAnyCaseAcrossSeveralConnectionHeaders() {
        HttpHeaders headers = headers(
                "Connection", "keep-alive, X-Secret",
                "Connection", "x-other ,, X_UNDERSCORED",
                "X-SECRET", "s",
                "X-Other", "o",
                "x-underscored", "u",
                "Keep-Alive", "timeout=5",
                "X-Kept", "k");

        assertThat(copy(defaults, headers)).containsExactly(Map.entry("X-Kept", "k"));
    }

    @Test
    void connectionCanNameAnEndToEndHeaderAwayToo() {
        // RFC 9110 §7.6.1: what Connection names is for this hop only, whatever it is.
        HttpHeaders headers = headers("Connection", "Authorization", "Authorization", "Bearer t", "X-Kept", "k");

        assertThat(copy(defaults, headers)).containsExactly(Map.entry("X-Kept", "k"));
    }

    @Test
    void connectionCloseRemovesNothingElse() {
        HttpHeaders headers = headers("Connection", "close", "Accept", "*/*", "X-Kept", "k");

        assertThat(copy(defaults, headers)).containsOnlyKeys("Accept", "X-Kept");
    }

    @Test
    void repeatedHeadersBecomeOneListInOrder() {
        HttpHeaders headers = headers("X-Tag", "one", "Accept", "a", "x-tag", "two", "X-TAG", "three");

        Map<String, Object> message = copy(defaults, headers);

        assertThat(message.get("X-Tag")).isEqualTo(List.of("one", "two", "three"));
        assertThat(message.get("Accept")).isEqualTo("a");
    }

    @Test
    void repeatedHeadersBecomeAListInAPlainMapToo() {
        HttpHeaders headers = headers("X-Tag", "one", "X-Tag", "two");
        Map<String, Object> message = new LinkedHashMap<>();

        defaults.copy(headers, message);

        assertThat(message).containsExactly(Map.entry("X-Tag", List.of("one", "two")));
    }

    @Test
    void returnsTheVeryValuesItCopiedAndNothingItRemoved() {
        HttpHeaders headers = headers(
                "Accept", "text/html",
                "X-Tag", "one",
                "X-Tag", "two",
                "X-Tag", "three",
                "X-Forwarded-User", "forged-user",
                "CamelHttpUri", "forged-uri");
        Map<String, Object> message = new CaseInsensitiveMap();

        List<Object> copied = defaults.copy(headers, message);

        assertThat(message).hasSize(2);
        for (Object value : message.values()) {
            assertThat(copied).as("copied holds the message's own %s", value)
                    .anySatisfy(c -> assertThat(c).isSameAs(value));
        }
        assertThat(copied).doesNotContain("forged-user", "forged-uri");
    }

    @Test
    void returnsNothingWhenNothingSurvives() {
        Map<String, Object> message = new CaseInsensitiveMap();

        List<Object> copied = defaults.copy(headers("Host", "h", "CamelHttpUri", "u"), message);

        assertThat(copied).isEmpty();
        assertThat(message).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            X-Forwarded-User   | x-forwarded-user
            x_forwarded_user   | x-forwarded-user
            X-FORWARDED_EMAIL  | x-forwarded-email
            TE                 | te
            """)
    void headerKeyIsLowerCaseWithUnderscoresAsDashes(String name, String key) {
        assertThat(HeaderNames.key(name)).isEqualTo(key);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            CamelHttpUri              | true
            camelhttpuri              | true
            CAMELHTTPURI              | true
            cAmElFoo                  | true
            org.apache.camel.Foo      | true
            Org.Apache.Camel.Foo      | true
            Came                      | false
            X-Camel                   | false
            org.apache.came           | false
            Accept                    | false
            """)
    void recognizesCamelHeadersInAnyCase(String name, boolean internal) {
        assertThat(HeaderNames.isCamelInternal(name)).isEqualTo(internal);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Connection               | true
            keep-alive               | true
            Proxy-Connection         | true
            te                       | true
            TRAILER                  | true
            Transfer_Encoding        | true
            Upgrade                  | true
            Proxy-Authorization      | true
            Proxy-Authenticate       | true
            Trailers                 | false
            Authorization            | false
            Content-Length           | false
            """)
    void recognizesHopByHopHeaders(String name, boolean hopByHop) {
        assertThat(HeaderNames.isHopByHop(name)).isEqualTo(hopByHop);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            X-HTTP-Method-Override   | true
            x-http-method            | true
            X_Method_Override        | true
            X-HTTP-Verb              | true
            X-HTTP-Method-Overrides  | false
            Method                   | false
            """)
    void recognizesMethodOverrides(String name, boolean override) {
        assertThat(HeaderNames.isMethodOverride(name)).isEqualTo(override);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            X-Acme-User                  | true
            X_ACME_MAIL                  | true
            x-acme-groups                | true
            X-Corp-Auth-                 | true
            X-Corp-Auth-Role             | true
            X-Corp-Auth                  | false
            X-Tenant                     | true
            X-Tenant-Id                  | false
            X-Forwarded-User             | true
            X-Forwarded-Email            | true
            X-Amzn-Oidc-Accesstoken      | true
            X-MS-CLIENT-PRINCIPALS       | true
            X-Drawbridge-Assertion       | true
            Authorization                | false
            X-Forwarded-For              | false
            """)
    void identityFilterKnowsConfiguredNamesPrefixesAndTheWellKnownList(String name, boolean identity) {
        assertThat(new IdentityHeaderFilter(ACME).isIdentityHeader(name)).isEqualTo(identity);
    }

    @Test
    void identityFilterCoversEveryWellKnownNameInAnySpelling() {
        var filter = new IdentityHeaderFilter(IdentityHeadersConfig.defaults());

        for (String pattern : IdentityHeadersConfig.WELL_KNOWN) {
            String name = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) + "Extra" : pattern;
            assertThat(filter.isIdentityHeader(name)).as(name).isTrue();
            assertThat(filter.isIdentityHeader(name.toUpperCase().replace('-', '_'))).as(name).isTrue();
            assertThat(filter.isIdentityHeader(name.toLowerCase().replace('_', '-'))).as(name).isTrue();
        }
    }

    private static Map<String, Object> copy(RequestHygiene hygiene, HttpHeaders headers) {
        Map<String, Object> message = new CaseInsensitiveMap();
        hygiene.copy(headers, message);
        return message;
    }

    private static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }
}
