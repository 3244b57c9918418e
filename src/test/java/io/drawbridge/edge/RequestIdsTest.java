package io.drawbridge.edge;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Request ids: an instance prefix and a counter in base 36, unique within an instance. */
class RequestIdsTest {

    @Test
    void idsAreThePrefixAndTheCounterInBase36() {
        RequestIds ids = new RequestIds();
        String first = ids.next();
        assertThat(first).matches("[0-9a-z]{8}-1");
        String prefix = first.substring(0, 9);
        for (long n = 2; n <= 100_000; n++) {
            String id = ids.next();
            if (n == 36 || n == 1_295 || n == 1_296 || n == 100_000) {
                assertThat(id).isEqualTo(prefix + Long.toString(n, 36));
            }
        }
    }

    @Test
    void idsAreUniqueWithinAnInstance() {
        RequestIds ids = new RequestIds();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(ids.next())).isTrue();
        }
    }
}
