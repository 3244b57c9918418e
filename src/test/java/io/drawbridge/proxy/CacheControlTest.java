package io.drawbridge.proxy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The strict Cache-Control parser: what it reads, and what makes a header malformed (never trusted). */
class CacheControlTest {

    @Test
    void readsDirectivesAcrossHeadersCaseInsensitivelyWithTokenAndQuotedArguments() {
        CacheControl cc = CacheControl.parse(List.of("Public, max-age=60", "no-cache=\"Set-Cookie, X-A\""));
        assertThat(cc.malformed()).isFalse();
        assertThat(cc.has("public")).isTrue();
        assertThat(cc.seconds("max-age")).isEqualTo(60);
        assertThat(cc.directives().get("no-cache")).isEqualTo("Set-Cookie, X-A");
        assertThat(cc.seconds("s-maxage")).isEqualTo(-1);
    }

    @Test
    void emptyElementsAndSpacesAreAllowed() {
        CacheControl cc = CacheControl.parse(List.of(" , public ,, max-age = 5 , "));
        assertThat(cc.malformed()).isFalse();
        assertThat(cc.seconds("max-age")).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"max-age=1, max-age=2", "max-age=\"5", "public max-age=5", "max-age=", "=5",
        "public; max-age=5"})
    void malformedHeadersAreNeverTrusted(String value) {
        assertThat(CacheControl.parse(List.of(value)).malformed()).isTrue();
    }

    @Test
    void aDirectiveRepeatedInASecondHeaderIsMalformedToo() {
        assertThat(CacheControl.parse(List.of("max-age=5", "max-age=500")).malformed()).isTrue();
    }

    @Test
    void badDeltaSecondsAreFlaggedAndHugeOnesCapped() {
        assertThat(CacheControl.parse(List.of("max-age=1.5")).seconds("max-age")).isEqualTo(-2);
        assertThat(CacheControl.parse(List.of("max-age=-3")).seconds("max-age")).isEqualTo(-2);
        assertThat(CacheControl.parse(List.of("max-age=4294967296")).seconds("max-age"))
                .isEqualTo(Integer.MAX_VALUE);
    }
}
