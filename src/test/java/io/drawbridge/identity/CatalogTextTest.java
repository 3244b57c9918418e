package io.drawbridge.identity;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CatalogTextTest {

    @Test
    void controlCharactersCannotStartANewLogLine() {
        assertThat(CatalogText.printable("alice\r\nERROR forged\u0000\u2028"))
                .isEqualTo("alice\\u000d\\u000aERROR forged\\u0000\\u2028");
    }

    @Test
    void longTextIsCutAndSaysHowMuchWasLeftOut() {
        assertThat(CatalogText.printable("n".repeat(100_000)))
                .isEqualTo("n".repeat(CatalogText.MAX) + "... (" + (100_000 - CatalogText.MAX) + " more characters)");
    }

    @Test
    void ordinaryTextIsUnchanged() {
        assertThat(CatalogText.printable("group:default/sre")).isEqualTo("group:default/sre");
        assertThat(CatalogText.printable(null)).isNull();
    }
}
