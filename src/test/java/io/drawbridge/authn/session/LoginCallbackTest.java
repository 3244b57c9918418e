package io.drawbridge.authn.session;

import io.drawbridge.authn.AuthenticationFailed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoginCallbackTest {

    @Test
    void readsEachParameterOnce() {
        assertThat(LoginCallback.query("state=a%20b&code=c&iss=https%3A%2F%2Fidp&bad=%zz"))
                .containsEntry("state", "a b").containsEntry("code", "c").containsEntry("iss", "https://idp")
                .doesNotContainKey("bad");
    }

    @ParameterizedTest
    @ValueSource(strings = {"state=a&state=b&code=c", "state=a&state=a&code=c", "state=a&code=c&code=d",
        "state=a&code=c&%73tate=b", "error=x&state=a&error=y"})
    void refusesARepeatedParameter(String query) {
        assertThatThrownBy(() -> LoginCallback.query(query)).isInstanceOf(AuthenticationFailed.class)
                .hasMessageContaining("repeated");
    }
}
