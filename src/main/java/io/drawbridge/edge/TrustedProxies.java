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

    /**
     * Parses an IPv4 or IPv6 literal without any name lookup; {@code null} when it is not one. Only ASCII
     * digits count: {@code 999.1.1.1} or non-Latin digits are not addresses, and are never handed to a resolver.
     */
    public static byte[] parseLiteral(String text) {
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') < 0) {
            return parseIpv4(s);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':'
                    || c == '.';
            if (!ok) {
                return null;
            }
        }
        int lastColon = s.lastIndexOf(':');
        if (s.indexOf('.') >= 0 && parseIpv4(s.substring(lastColon + 1)) == null) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress(); // an IPv6 literal of hex digits and colons: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3) {
                return null;
            }
            int value = 0;
            for (int j = 0; j < part.length(); j++) {
                char c = part.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                value = value * 10 + (c - '0');
            }
            if (value > 255) {
                return null;
            }
            address[i] = (byte) value;
        }
        return address;
    }
}
