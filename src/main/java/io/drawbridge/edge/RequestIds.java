package io.drawbridge.edge;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids: unique across instances (a random instance prefix) and cheap to make (a counter), so that a
 * client's complaint, the upstream's log and the audit record can be joined. Not secrets, not guessable-proof.
 */
public final class RequestIds {

    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    public RequestIds() {
        var random = new SecureRandom();
        var sb = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        this.prefix = sb.append('-').toString();
    }

    /** The prefix and the counter in base 36, written straight into the id's characters (no builder, no copies). */
    public String next() {
        long n = counter.incrementAndGet();
        char[] digits = new char[13]; // Long.MAX_VALUE has 13 digits in base 36
        int at = digits.length;
        do {
            digits[--at] = ALPHABET[(int) (n % 36)];
            n /= 36;
        } while (n > 0);
        char[] id = new char[prefix.length() + digits.length - at];
        prefix.getChars(0, prefix.length(), id, 0);
        System.arraycopy(digits, at, id, prefix.length(), digits.length - at);
        return new String(id);
    }
}
