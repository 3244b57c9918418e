package io.drawbridge.authn;

import com.nimbusds.jwt.JWTClaimsSet;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.identity.Identity;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityMapperTest {

    static final Instant EXP = Instant.parse("2030-01-01T00:00:00Z");

    final IdentityMapper defaults = new IdentityMapper("corp", IssuerConfig.ClaimNames.defaults());

    static JWTClaimsSet.Builder human() {
        return new JWTClaimsSet.Builder()
                .issuer("https://idp.example")
                .subject("0b5e-sub")
                .expirationTime(Date.from(EXP))
                .claim("preferred_username", "alice")
                .claim("email", "alice@example.com")
                .claim("azp", "web-app");
    }

    @Test
    void mapsAHumanToken() {
        Identity identity = defaults.map(human().claim("groups", List.of("sre", "dev")).build());

        assertThat(identity).isEqualTo(new Identity("0b5e-sub", "alice", "alice@example.com", java.util.Set.of("sre", "dev"),
                "corp", "web-app", identity.claims(), EXP));
        assertThat(identity.claims()).containsEntry("exp", EXP.getEpochSecond()).containsEntry("sub", "0b5e-sub");
    }

    @Test
    void fallsBackToTheSubjectForAMachineTokenWithoutUserNameOrEmail() {
        JWTClaimsSet machine = new JWTClaimsSet.Builder().subject("service-account-billing")
                .expirationTime(Date.from(EXP)).claim("client_id", "billing").build();

        Identity identity = defaults.map(machine);

        assertThat(identity.user()).isEqualTo("service-account-billing");
        assertThat(identity.email()).isNull();
        assertThat(identity.clientId()).isEqualTo("billing");
        assertThat(identity.groups()).isEmpty();
    }

    @Test
    void prefersAzpOverClientId() {
        assertThat(defaults.map(human().claim("client_id", "other").build()).clientId()).isEqualTo("web-app");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sre dev", "sre,dev", " sre ,  dev ", "sre\tdev"})
    void readsGroupsFromASeparatedString(String groups) {
        assertThat(defaults.map(human().claim("groups", groups).build()).groups()).containsExactlyInAnyOrder("sre", "dev");
    }

    @Test
    void ignoresGroupEntriesThatAreNotStrings() {
        assertThat(defaults.map(human().claim("groups", List.of("sre", 7, Map.of("a", "b"))).build()).groups())
                .containsExactly("sre");
    }

    @Test
    void readsConfiguredClaimNamesIncludingAPathIntoNestedObjects() {
        IdentityMapper keycloak = new IdentityMapper("kc",
                new IssuerConfig.ClaimNames("upn", "mail", "realm_access.roles"));
        JWTClaimsSet claims = human().claim("upn", "alice@corp").claim("mail", "a@corp.example")
                .claim("realm_access", Map.of("roles", List.of("offline_access", "admin"))).build();

        Identity identity = keycloak.map(claims);

        assertThat(identity.user()).isEqualTo("alice@corp");
        assertThat(identity.email()).isEqualTo("a@corp.example");
        assertThat(identity.groups()).containsExactlyInAnyOrder("offline_access", "admin");
        assertThat(identity.issuer()).isEqualTo("kc");
    }

    @Test
    void prefersAClaimNamedWithDotsOverAPath() {
        IdentityMapper namespaced = new IdentityMapper("corp",
                new IssuerConfig.ClaimNames(null, null, "https://corp.example/groups"));

        assertThat(namespaced.map(human().claim("https://corp.example/groups", List.of("ops")).build()).groups())
                .containsExactly("ops");
    }

    @Test
    void treatsABlankUserNameAsAbsent() {
        assertThat(defaults.map(human().claim("preferred_username", " ").build()).user()).isEqualTo("0b5e-sub");
    }

    @Test
    void dropsClaimsWithNullValues() {
        assertThat(defaults.map(human().claim("nickname", null).build()).claims()).doesNotContainKey("nickname");
    }
}
