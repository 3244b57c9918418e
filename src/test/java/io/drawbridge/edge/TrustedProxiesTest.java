package io.drawbridge.edge;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which peers' forwarding headers are believed: literal addresses and CIDR ranges, never names. */
class TrustedProxiesTest {

    @ParameterizedTest(name = "{0} trusts {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/8          | 10.0.0.0          | true
            10.0.0.0/8          | 10.255.255.255    | true
            10.0.0.0/8          | 11.0.0.0          | false
            10.0.0.0/8          | 9.255.255.255     | false
            10.1.2.3/8          | 10.200.0.1        | true
            10.0.0.0/12         | 10.15.255.255     | true
            10.0.0.0/12         | 10.16.0.0         | false
            192.168.1.7         | 192.168.1.7       | true
            192.168.1.7         | 192.168.1.8       | false
            192.168.1.7/32      | 192.168.1.7       | true
            192.168.1.7/32      | 192.168.1.6       | false
            0.0.0.0/0           | 203.0.113.9       | true
            0.0.0.0/0           | ::1               | false
            ::/0                | 2001:db8::1       | true
            ::/0                | 127.0.0.1         | false
            2001:db8::/64       | 2001:db8::ffff    | true
            2001:db8::/64       | 2001:db8:0:0:ffff:ffff:ffff:ffff | true
            2001:db8::/64       | 2001:db8:0:1::    | false
            2001:db8::1/128     | 2001:db8::1       | true
            2001:db8::1/128     | 2001:db8::2       | false
            fd00::/8            | fdff::1           | true
            fd00::/8            | fe00::1           | false
            ::1                 | ::1               | true
            ::1                 | 0:0:0:0:0:0:0:1   | true
            ::1                 | 127.0.0.1         | false
            [::1]               | ::1               | true
            [2001:db8::]/64     | 2001:db8::7       | true
            127.0.0.1           | ::1               | false
            10.0.0.0/8          | ::ffff:10.0.0.1   | true
            10.0.0.0/8          | [::ffff:10.0.0.1] | true
            10.0.0.0/8          | ' 10.0.0.1 '      | true
            """)
    void trustsAddressesInsideItsRanges(String entry, String address, boolean trusted) {
        var proxies = new TrustedProxies(List.of(entry));

        assertThat(proxies.isTrusted(address)).isEqualTo(trusted);
        assertThat(proxies.isTrusted(inet(address))).isEqualTo(trusted);
    }

    @Test
    void trustsWhatAnyOfSeveralRangesHolds() {
        var proxies = new TrustedProxies(List.of("10.0.0.0/8", "192.168.0.0/16", "fd00::/8"));

        assertThat(proxies.isEmpty()).isFalse();
        assertThat(proxies.isTrusted("192.168.40.2")).isTrue();
        assertThat(proxies.isTrusted("fd12::3")).isTrue();
        assertThat(proxies.isTrusted("172.16.0.1")).isFalse();
    }

    @Test
    void trustsNobodyByDefault() {
        var proxies = new TrustedProxies(List.of());

        assertThat(proxies.isEmpty()).isTrue();
        assertThat(proxies.isTrusted("127.0.0.1")).isFalse();
        assertThat(proxies.isTrusted(inet("::1"))).isFalse();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"localhost", "proxy.internal", "lb", "example.com", "", "10.0.0", "1.2.3.4.5",
            "10.0.0.0/", "10.0.0.0/x", "/8", "garbage", "fe80::1%eth0", "::g", "1::2::3", "[::1", "0x0a.0.0.1"})
    void rejectsEntriesThatAreNotLiteralAddressesOrRanges(String entry) {
        assertThatThrownBy(() -> new TrustedProxies(List.of(entry))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", " ", "unknown", "localhost", "example.com", "abc", "1.2.3", "1.2.3.4.5", "1.2.3.",
            ".1.2.3", "1.2.3.4:80", "[1.2.3.4]:80", "fe80::1%eth0", "::g", "1::2::3", "12345::", "[::1",
            "0x7f.0.0.1", "1.2.3.4/32", "_", "-1.2.3.4"})
    void parseLiteralRefusesWhatIsNotAnAddressLiteral(String text) {
        assertThat(TrustedProxies.parseLiteral(text)).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1} bytes")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1            | 4
            ' 10.0.0.1 '         | 4
            255.255.255.255      | 4
            ::                   | 16
            ::1                  | 16
            [2001:db8::1]        | 16
            2001:DB8:0:0:0:0:0:1 | 16
            """)
    void parseLiteralReadsIPv4AndIPv6(String text, int length) throws Exception {
        byte[] address = TrustedProxies.parseLiteral(text);

        assertThat(address).hasSize(length);
        assertThat(InetAddress.getByAddress(address)).isEqualTo(inet(text));
    }

    /*
     * Whether a lookup happens is observable only through a name service that answers: a child JVM whose name
     * service is a hosts file (jdk.net.hosts.file) mapping each probe to 10.9.9.9, so a resolved name shows up
     * as an address instead of failing like an unknown one. No network is used either way.
     */

    @Test
    void neverResolvesAHostName(@TempDir Path dir) throws Exception {
        Map<String, String> results = probeLookups(dir, List.of("localhost", "proxy.internal", "cafe", "deadbeef",
                "a.b.c.d", "lb-1.example.com"));

        assertThat(results).allSatisfy((name, result) -> assertThat(result).as(name).isEqualTo("rejected"));
    }

    @Test
    void neverResolvesANumericLookingName(@TempDir Path dir) throws Exception {
        Map<String, String> results = probeLookups(dir, List.of("999.1.1.1", "1.2.3.256", "256.256.256.256",
                "\u0661\u0662\u0667.0.0.1"));

        assertThat(results).allSatisfy((name, result) -> assertThat(result).as(name).isEqualTo("rejected"));
    }

    /** Runs {@link LookupProbe} in a child JVM; returns, for each name, "rejected" or what it resolved to. */
    private static Map<String, String> probeLookups(Path dir, List<String> names)
            throws IOException, InterruptedException {
        Path hosts = dir.resolve("hosts");
        Path input = dir.resolve("names");
        Path output = dir.resolve("results");
        List<String> lines = new ArrayList<>();
        for (String name : names) {
            lines.add("10.9.9.9 " + name);
        }
        Files.write(hosts, lines, StandardCharsets.UTF_8);
        Files.write(input, names, StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Djdk.net.hosts.file=" + hosts,
                "-cp", System.getProperty("java.class.path"), LookupProbe.class.getName(),
                input.toString(), output.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("probe.log").toFile())
                .start();
        boolean exited = process.waitFor(2, TimeUnit.MINUTES);
        if (!exited) {
            process.destroyForcibly();
        }
        assertThat(exited).as("probe finished").isTrue();
        assertThat(process.exitValue()).as(Files.readString(dir.resolve("probe.log"))).isZero();
        var results = new java.util.LinkedHashMap<String, String>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            results.put(line.substring(0, tab), line.substring(tab + 1));
        }
        assertThat(results).containsOnlyKeys(names);
        return results;
    }

    /** Child-JVM side: checks that the hosts file answers, then parses each name. */
    public static final class LookupProbe {

        public static void main(String[] args) throws Exception {
            List<String> names = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
            // The hosts file maps every name: resolving the first one directly proves a lookup would succeed,
            // so a "rejected" below means parseLiteral did not look the name up.
            InetAddress control = InetAddress.getByName(names.get(0));
            if (!control.getHostAddress().equals("10.9.9.9")) {
                throw new IllegalStateException("hosts file not in use: " + control);
            }
            List<String> out = new ArrayList<>();
            for (String name : names) {
                byte[] address = TrustedProxies.parseLiteral(name);
                out.add(name + "\t" + (address == null ? "rejected" : InetAddress.getByAddress(address).getHostAddress()));
            }
            Files.write(Path.of(args[1]), out, StandardCharsets.UTF_8);
        }
    }

    private static InetAddress inet(String literal) {
        String s = literal.trim();
        if (s.startsWith("[")) {
            s = s.substring(1, s.length() - 1);
        }
        try {
            return InetAddress.getByName(s); // a literal: no lookup
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
