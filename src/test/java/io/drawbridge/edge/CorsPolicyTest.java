package io.drawbridge.edge;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CorsPolicyTest {

    private static final CorsPolicy PORTAL = CorsPolicy.of("https://Portal.Example.com:443, http://localhost:3000",
            "GET,POST", "Authorization, Content-Type", "X-Request-Id", true, 600);

    private static HttpHeaders preflight(String origin, String method, String headers) {
        HttpHeaders h = new DefaultHttpHeaders().set("Origin", origin).set("Access-Control-Request-Method", method);
        if (headers != null) {
            h.set("Access-Control-Request-Headers", headers);
        }
        return h;
    }

    @Test
    void originsCompareAsBrowsersSendThem() {
        assertThat(PORTAL.allowsOrigin("https://portal.example.com")).isTrue();
        assertThat(PORTAL.allowsOrigin("http://localhost:3000")).isTrue();
        assertThat(PORTAL.allowsOrigin("https://portal.example.com:8443")).isFalse();
        assertThat(PORTAL.allowsOrigin("http://portal.example.com")).isFalse();
        assertThat(PORTAL.allowsOrigin("https://portal.example.com.evil.test")).isFalse();
        assertThat(PORTAL.allowsOrigin("null")).isFalse();
        assertThat(PORTAL.allowsOrigin(null)).isFalse();
    }

    @Test
    void aWildcardWithCredentialsIsRefused() {
        assertThatThrownBy(() -> CorsPolicy.of("*", "GET", "", "", true, 0))
                .hasMessageContaining("corsOrigins=* cannot be combined with corsCredentials=true");
    }

    @Test
    void somethingOtherThanAnOriginIsRefused() {
        for (String bad : new String[] {"https://a.example.com/path", "ftp://a.example.com", "a.example.com",
                "https://user@a.example.com", "https://a.example.com?x"}) {
            assertThatThrownBy(() -> CorsPolicy.of(bad, "GET", "", "", false, 0)).as(bad)
                    .hasMessageContaining("corsOrigins");
        }
        assertThatThrownBy(() -> CorsPolicy.of("https://a.example.com", "get", "", "", false, 0))
                .hasMessageContaining("corsMethods");
    }

    @Test
    void aPreflightIsOptionsWithAnOriginAndARequestedMethod() {
        assertThat(CorsPolicy.isPreflight(HttpMethod.OPTIONS, preflight("https://x", "GET", null))).isTrue();
        assertThat(CorsPolicy.isPreflight(HttpMethod.OPTIONS, new DefaultHttpHeaders().set("Origin", "https://x")))
                .isFalse();
        assertThat(CorsPolicy.isPreflight(HttpMethod.GET, preflight("https://x", "GET", null))).isFalse();
    }

    @Test
    void preflightsAreRefusedForAnUnlistedOriginMethodOrHeader() {
        assertThat(PORTAL.refusal(preflight("https://portal.example.com", "POST", "authorization,content-type")))
                .isNull();
        assertThat(PORTAL.refusal(preflight("https://evil.example.com", "GET", null))).isEqualTo("origin not allowed");
        assertThat(PORTAL.refusal(preflight("https://portal.example.com", "DELETE", null)))
                .isEqualTo("method DELETE not allowed");
        assertThat(PORTAL.refusal(preflight("https://portal.example.com", "GET", "Authorization, X-Forwarded-User")))
                .isEqualTo("header X-Forwarded-User not allowed");
    }

    @Test
    void anAllowedPreflightSaysWhatIsAllowedAndVariesByOrigin() {
        HttpHeaders response = new DefaultHttpHeaders();
        PORTAL.addPreflightHeaders(preflight("https://portal.example.com", "POST", "authorization"), response);
        assertThat(response.get("Access-Control-Allow-Origin")).isEqualTo("https://portal.example.com");
        assertThat(response.get("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(response.get("Access-Control-Allow-Methods")).isEqualTo("GET, POST");
        assertThat(response.get("Access-Control-Allow-Headers")).isEqualTo("authorization");
        assertThat(response.get("Access-Control-Max-Age")).isEqualTo("600");
        assertThat(response.get("Vary")).contains("Origin");
    }

    @Test
    void responsesCarryCorsHeadersOnlyForAnAllowedOrigin() {
        HttpHeaders allowed = new DefaultHttpHeaders();
        PORTAL.addResponseHeaders("https://portal.example.com", allowed);
        assertThat(allowed.get("Access-Control-Allow-Origin")).isEqualTo("https://portal.example.com");
        assertThat(allowed.get("Access-Control-Expose-Headers")).isEqualTo("X-Request-Id");
        assertThat(allowed.get("Vary")).isEqualTo("origin");

        HttpHeaders other = new DefaultHttpHeaders();
        PORTAL.addResponseHeaders("https://evil.example.com", other);
        assertThat(other.names()).containsExactly("vary");

        HttpHeaders anyone = new DefaultHttpHeaders();
        CorsPolicy.of("*", "GET", "", "", false, 0).addResponseHeaders("https://any.example.com", anyone);
        assertThat(anyone.get("Access-Control-Allow-Origin")).isEqualTo("https://any.example.com");
        assertThat(anyone.contains("Access-Control-Allow-Credentials")).isFalse();
    }
}
