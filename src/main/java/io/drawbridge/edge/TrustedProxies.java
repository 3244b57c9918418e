package io.drawbridge.edge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers whose {@code X-Forwarded-*} headers the gateway believes (a load balancer in front of it). By default
 * there are none: every forwarding header a client sends is discarded and re-set from the connection.
 */
public final class TrustedProxies {

    private record Range(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int bits = prefixBits;
            for (int i = 0; i < address.length && bits > 0; i++, bits -= 8) {
                int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                if ((address[i] & mask) != (network[i] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Range> ranges = new ArrayList<>();

    /** @param entries IP addresses or CIDR ranges, literal only (never resolved through DNS) */
    public TrustedProxies(List<String> entries) {
        for (String entry : entries) {
            int slash = entry.indexOf('/');
            byte[] address = parseLiteral(slash >= 0 ? entry.substring(0, slash) : entry);
            if (address == null) {
                throw new IllegalArgumentException("not an IP address or CIDR range: " + entry);
            }
            int bits = slash >= 0 ? Integer.parseInt(entry.substring(slash + 1)) : address.length * 8;
            ranges.add(new Range(address, bits));
        }
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public boolean isTrusted(InetAddress peer) {
        byte[] address = peer.getAddress();
        for (Range range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    public boolean isTrusted(String literal) {
        byte[] address = parseLiteral(literal);
        if (address == null) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Parses an IPv4 or IPv6 literal without any name lookup; {@code null} when it is not one. */
    public static byte[] parseLiteral(String text) {
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty() || !(s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            return null;
        }
        if (s.indexOf(':') < 0 && s.split("\\.", -1).length != 4) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
                return null;
            }
        }
        try {
            return InetAddress.getByName(s).getAddress(); // a literal: InetAddress does not resolve it
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
