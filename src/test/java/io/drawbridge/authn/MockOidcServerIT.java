package io.drawbridge.authn;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import io.drawbridge.testing.Tokens;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Against a real OIDC server in-process (mock-oauth2-server): keys found through its discovery document,
 * tokens it issues for humans and machines.
 */
class MockOidcServerIT {

    static MockOAuth2Server server;
    static IssuerRegistry registry;

    @BeforeAll
    static void startServer() {
        server = new MockOAuth2Server();
        server.start();
        registry = IssuerRegistry.of(List.of(
                Tokens.issuer("corp", server.issuerUrl("corp").toString(), null, null),
                Tokens.issuer("partner", server.issuerUrl("partner").toString(), null, null)));
    }

    @AfterAll
    static void stopServer() {
        server.shutdown();
    }

    static String token(String issuerId, String subject, String audience, Map<String, Object> claims) {
        return server.issueToken(issuerId, subject, audience, claims, 300).serialize();
    }

    @Test
    void verifiesAHumanTokenWithKeysFoundThroughDiscovery() {
        String token = token("corp", "alice-id", Tokens.AUDIENCE,
                Map.of("preferred_username", "alice", "email", "alice@example.com", "groups", List.of("sre")));

        Identity identity = registry.verify(token, null);

        assertThat(identity.issuer()).isEqualTo("corp");
        assertThat(identity.subject()).isEqualTo("alice-id");
        assertThat(identity.user()).isEqualTo("alice");
        assertThat(identity.email()).isEqualTo("alice@example.com");
        assertThat(identity.groups()).containsExactly("sre");
        assertThat(registry.verifyWithoutIo(token, null)).contains(identity);
    }

    @Test
    void verifiesAMachineTokenWithoutUserNameOrEmail() {
        // as a client-credentials grant: issued to client "billing", subject its service account
        String token = server.issueToken("corp", "billing", new DefaultOAuth2TokenCallback("corp",
                "service-account-billing", "JWT", List.of(Tokens.AUDIENCE), Map.of(), 300)).serialize();

        Identity identity = registry.verify(token, null);

        assertThat(identity.user()).isEqualTo("service-account-billing");
        assertThat(identity.email()).isNull();
        assertThat(identity.clientId()).isEqualTo("billing");
    }

    @Test
    void keepsEachIssuerOfTheServerApart() {
        String partnerToken = token("partner", "bob-id", Tokens.AUDIENCE, Map.of());

        assertThat(registry.verify(partnerToken, null).issuer()).isEqualTo("partner");
        assertThat(reason(() -> registry.verify(partnerToken, Set.of("corp")))).isEqualTo(Reason.ISSUER_NOT_ALLOWED);
    }

    @Test
    void rejectsATokenTheServerIssuedForAnotherAudience() {
        String token = token("corp", "alice-id", "some-other-api", Map.of());

        assertThat(reason(() -> registry.verify(token, null))).isEqualTo(Reason.AUDIENCE_MISMATCH);
    }

    @Test
    void rejectsAnIssuerOfTheServerThatIsNotTrusted() {
        String token = token("untrusted", "alice-id", Tokens.AUDIENCE, Map.of());

        assertThat(reason(() -> registry.verify(token, null))).isEqualTo(Reason.ISSUER_UNKNOWN);
    }

    static Reason reason(Runnable verification) {
        try {
            verification.run();
            throw new AssertionError("accepted");
        } catch (AuthenticationFailed failure) {
            return failure.reason();
        }
    }
}
