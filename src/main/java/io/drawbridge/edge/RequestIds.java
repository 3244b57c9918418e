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

    public String next() {
        return prefix + Long.toString(counter.incrementAndGet(), 36);
    }
}
