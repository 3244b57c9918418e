package io.drawbridge.authn.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 9207: the authorization response's {@code iss}, required when advertised, always the issuer's. */
class ResponseIssuerTest {

    private static final String ISSUER = "https://idp.example/realms/corp";

    @Test
    void anAdvertisedIssMustBePresentAndExact() {
        assertThat(LoginFlow.responseIssuerProblem(ISSUER, ISSUER, true)).isNull();
        assertThat(LoginFlow.responseIssuerProblem(null, ISSUER, true)).contains("without iss");
        assertThat(LoginFlow.responseIssuerProblem("https://evil.example", ISSUER, true)).contains("another issuer");
        assertThat(LoginFlow.responseIssuerProblem(ISSUER + "/", ISSUER, true)).contains("another issuer");
        assertThat(LoginFlow.responseIssuerProblem("", ISSUER, true)).contains("another issuer");
    }

    @Test
    void withoutTheAdvertisementAnAbsentIssPassesButAPresentOneMustStillBeExact() {
        assertThat(LoginFlow.responseIssuerProblem(null, ISSUER, false)).isNull();
        assertThat(LoginFlow.responseIssuerProblem(ISSUER, ISSUER, false)).isNull();
        assertThat(LoginFlow.responseIssuerProblem("https://IDP.example/realms/corp", ISSUER, false))
                .contains("another issuer");
    }
}
