package io.drawbridge.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A size in bytes, written in configuration as {@code 512}, {@code 64k}, {@code 16KiB}, {@code 200m} or {@code 1g}. */
public record ByteSize(long bytes) {

    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*([kmg]?)(i?b)?", Pattern.CASE_INSENSITIVE);

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative");
        }
    }

    public static ByteSize ofKib(long kib) {
        return new ByteSize(kib * 1024);
    }

    public static ByteSize ofMib(long mib) {
        return new ByteSize(mib * 1024 * 1024);
    }

    /** Parses the configuration form; binary units (k = 1024). */
    public static ByteSize parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (examples: 8192, 64k, 200m, 1g)");
        }
        long n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1024L;
            case "m" -> 1024L * 1024;
            case "g" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return new ByteSize(Math.multiplyExact(n, unit));
    }

    public int asInt() {
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }
}
