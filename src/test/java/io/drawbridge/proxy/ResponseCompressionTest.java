package io.drawbridge.proxy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Which coding a response gets for an Accept-Encoding, with brotli available or not. */
class ResponseCompressionTest {

    @ParameterizedTest(name = "''{0}'' gets {1} with brotli, {2} without")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
        "gzip, deflate, br | br | gzip",
        "br | br | none",
        "gzip | gzip | gzip",
        "x-gzip | gzip | gzip",
        "br;q=0.5, gzip | gzip | gzip",
        "br, gzip;q=0.8 | br | gzip",
        "br;q=0, gzip | gzip | gzip",
        "* | br | gzip",
        "*;q=0.5, gzip;q=0 | br | none",
        "gzip;q=0, x-gzip;q=0, * | br | none",
        "br;q=0, gzip;q=0, * | none | none",
        "gzip;q=2 | none | none",
        "identity | none | none",
        "'' | none | none"})
    void theClientsPreferenceDecidesAndBrotliWinsATie(String acceptEncoding, String withBrotli,
                                                        String withoutBrotli) {
        assertThat(ResponseCompression.choose(acceptEncoding, true)).isEqualTo(withBrotli);
        assertThat(ResponseCompression.choose(acceptEncoding, false)).isEqualTo(withoutBrotli);
    }
}
