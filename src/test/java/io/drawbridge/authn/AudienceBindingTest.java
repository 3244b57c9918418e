package io.drawbridge.authn;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AudienceBindingTest {

    private static final String MCP = "https://gw.example.com/mcp";

    private static Identity withAud(Object aud) {
        return new Identity("id", "ci-bot", null, Set.of(), "corp", null,
                aud == null ? Map.of() : Map.of("aud", aud), null);
    }

    @Test
    void acceptsATokenThatNamesTheResourceAmongOthers() {
        assertThatCode(() -> AudienceBinding.require(withAud(List.of("drawbridge", MCP)), List.of(MCP)))
                .doesNotThrowAnyException();
    }

    @Test
    void acceptsASingleStringAudienceAndIgnoresATrailingSlash() {
        assertThatCode(() -> AudienceBinding.require(withAud(MCP + "/"), List.of(MCP))).doesNotThrowAnyException();
    }

    @Test
    void refusesATokenMintedForAnotherServer() {
        assertThatThrownBy(() -> AudienceBinding.require(withAud(List.of("drawbridge", "https://other/mcp")),
                List.of(MCP)))
                .isInstanceOfSatisfying(AuthenticationFailed.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.AUDIENCE_MISMATCH));
    }

    @Test
    void refusesATokenWithoutAudience() {
        assertThatThrownBy(() -> AudienceBinding.require(withAud(null), List.of(MCP)))
                .isInstanceOf(AuthenticationFailed.class);
    }

    @Test
    void refusesAResourceThatOnlyStartsLikeTheRoutes() {
        assertThatThrownBy(() -> AudienceBinding.require(withAud(MCP + "-admin"), List.of(MCP)))
                .isInstanceOf(AuthenticationFailed.class);
    }

    @Test
    void bindsNothingWhenTheRouteAsksForNothing() {
        assertThatCode(() -> AudienceBinding.require(withAud("anything"), List.of())).doesNotThrowAnyException();
        assertThatCode(() -> AudienceBinding.require(withAud("anything"), null)).doesNotThrowAnyException();
    }
}
