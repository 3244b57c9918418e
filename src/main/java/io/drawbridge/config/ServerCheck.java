package io.drawbridge.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** The listener: a usable port and host, trusted proxies written as addresses or CIDR ranges, positive limits. */
final class ServerCheck implements ConfigCheck {

    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

    @Override
    public void check(GatewayConfig config, Problems problems) {
        ServerConfig server = config.server();
        if (server.port() < 0 || server.port() > 65535) {
            problems.add("server.port", "must be between 1 and 65535 (or 0 for any free port)");
        }
        if (server.host().isBlank()) {
            problems.add("server.host", "must not be empty (0.0.0.0 listens on every interface)");
        }
        List<String> proxies = server.trustedProxies();
        for (int i = 0; i < proxies.size(); i++) {
            if (!isAddressOrRange(proxies.get(i))) {
                problems.add("server.trustedProxies[" + i + "]",
                        "must be an IP address or CIDR range, such as 10.0.0.1, 10.0.0.0/8, ::1 or fd00::/8");
            }
        }
        ServerConfig.Limits limits = server.limits();
        positive(limits.maxInitialLine(), "server.limits.maxInitialLine", problems);
        positive(limits.maxHeaderSize(), "server.limits.maxHeaderSize", problems);
        positive(limits.maxRequestBody(), "server.limits.maxRequestBody", problems);
        if (server.tls() != null) {
            checkTls(server.tls(), problems);
        }
        ServerConfig.Timeouts timeouts = server.timeouts();
        positive(timeouts.header(), "server.timeouts.header", problems);
        positive(timeouts.bodyIdle(), "server.timeouts.bodyIdle", problems);
        positive(timeouts.keepAlive(), "server.timeouts.keepAlive", problems);
    }

    private static void checkTls(ServerConfig.Tls tls, Problems problems) {
        readable(tls.certificateFile(), "server.tls.certificateFile", "a PEM certificate chain", problems);
        readable(tls.keyFile(), "server.tls.keyFile", "a PEM private key", problems);
        if (tls.redirectPort() != null && (tls.redirectPort() < 0 || tls.redirectPort() > 65535)) {
            problems.add("server.tls.redirectPort", "must be between 1 and 65535 (or 0 for any free port)");
        }
        if (tls.hsts().isNegative()) {
            problems.add("server.tls.hsts", "must not be negative (0s sends no Strict-Transport-Security)");
        }
    }

    private static void readable(String file, String field, String what, Problems problems) {
        if (file == null) {
            problems.add(field, "is required: " + what);
        } else if (!Files.isReadable(Path.of(file))) {
            problems.add(field, "cannot read " + file);
        }
    }

    private static void positive(Duration duration, String field, Problems problems) {
        if (duration.isNegative() || duration.isZero()) {
            problems.add(field, "must be greater than 0");
        }
    }

    private static void positive(ByteSize size, String field, Problems problems) {
        if (size.bytes() <= 0) {
            problems.add(field, "must be greater than 0");
        }
    }

    /** Literal addresses only: a host name here would mean a DNS lookup at every check. */
    static boolean isAddressOrRange(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        int bits = IPV4.matcher(address).matches() ? 32 : isIpv6(address) ? 128 : -1;
        if (bits < 0 || slash < 0) {
            return bits > 0;
        }
        String prefix = text.substring(slash + 1);
        return prefix.matches("\\d{1,3}") && Integer.parseInt(prefix) <= bits;
    }

    private static boolean isIpv6(String address) {
        int lastColon = address.lastIndexOf(':');
        if (lastColon < 0) {
            return false;
        }
        String text = address;
        if (address.indexOf('.') >= 0) { // an embedded IPv4 tail, ::ffff:10.0.0.1, stands for two groups
            if (!IPV4.matcher(address.substring(lastColon + 1)).matches()) {
                return false;
            }
            text = address.substring(0, lastColon + 1) + "0:0";
        }
        int gap = text.indexOf("::");
        if (gap < 0) {
            return groups(text) == 8;
        }
        if (text.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        int left = groups(text.substring(0, gap));
        int right = groups(text.substring(gap + 2));
        return left >= 0 && right >= 0 && left + right <= 7;
    }

    /** The number of hex groups in a colon-separated run, or -1 if one is malformed. */
    private static int groups(String run) {
        if (run.isEmpty()) {
            return 0;
        }
        String[] groups = run.split(":", -1);
        for (String group : groups) {
            if (!HEX_GROUP.matcher(group).matches()) {
                return -1;
            }
        }
        return groups.length;
    }
}
