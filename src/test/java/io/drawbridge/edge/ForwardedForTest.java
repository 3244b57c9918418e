package io.drawbridge.edge;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client address read from an {@code X-Forwarded-For} chain that came through trusted proxies (10/8 and
 * fd00::/8 here); the connection's peer is 10.0.0.1.
 */
class ForwardedForTest {

    private static final String PEER = "10.0.0.1";
    private static final TrustedProxies TRUSTED = new TrustedProxies(List.of("10.0.0.0/8", "fd00::/8"));

    @ParameterizedTest(name = "{0}: [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            one client                               | 203.0.113.7                               | 203.0.113.7
            one client, spaces around it             | '  203.0.113.7  '                         | 203.0.113.7
            the right-most untrusted hop             | 198.51.100.1, 203.0.113.7                 | 203.0.113.7
            skips trusted hops on the right          | 198.51.100.1, 203.0.113.7, 10.0.0.2, 10.9.9.9 | 203.0.113.7
            a forged left part is ignored            | 127.0.0.1, 10.0.0.3, 203.0.113.7, 10.0.0.2 | 203.0.113.7
            all trusted: the left-most               | 10.0.0.5, 10.0.0.2                        | 10.0.0.5
            IPv6 client behind an IPv6 proxy         | 2001:db8::1, fd00::5                      | 2001:db8::1
            IPv4 client behind an IPv6 proxy         | 203.0.113.7,fd00::5                       | 203.0.113.7
            garbage left of the client is never read | garbage, 203.0.113.7                      | 203.0.113.7
            a name left of the client is never read  | evil.example.com, 203.0.113.7, 10.0.0.2   | 203.0.113.7
            garbage right of the client: the peer    | 203.0.113.7, garbage                      | 10.0.0.1
            a name right of the client: the peer     | 203.0.113.7, evil.example.com             | 10.0.0.1
            unknown (RFC 7239 style): the peer       | unknown                                   | 10.0.0.1
            an address with a port: the peer         | 203.0.113.7:4711                          | 10.0.0.1
            a CIDR: the peer                         | 203.0.113.0/24                            | 10.0.0.1
            an empty hop: the peer                   | '203.0.113.7, , 10.0.0.2'                 | 10.0.0.1
            an empty chain: the peer                 | ''                                        | 10.0.0.1
            only commas: the peer                    | ',,'                                      | 10.0.0.1
            a quoted hop: the peer                   | '"203.0.113.7"'                           | 10.0.0.1
            """)
    void picksTheRightMostUntrustedHop(String row, String chain, String client) {
        assertThat(ForwardedFor.clientFrom(chain, PEER, TRUSTED)).isEqualTo(client);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            [2001:db8::1]
            [2001:db8::1], fd00::5
            """)
    void takesABracketedIPv6Hop(String chain) {
        assertThat(ForwardedFor.clientFrom(chain, PEER, TRUSTED)).contains("2001:db8::1");
    }

    @Test
    void withNothingTrustedTakesTheLastHop() {
        var nobody = new TrustedProxies(List.of());

        assertThat(ForwardedFor.clientFrom("203.0.113.7, 10.0.0.2", PEER, nobody)).isEqualTo("10.0.0.2");
        assertThat(ForwardedFor.clientFrom("203.0.113.7", PEER, nobody)).isEqualTo("203.0.113.7");
    }
}
