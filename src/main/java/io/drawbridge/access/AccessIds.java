package io.drawbridge.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Identifiers for requests and grants, and the fixed-size key the store indexes a person by. */
final class AccessIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private AccessIds() {
    }

    /** 128 random bits as 32 lower-case hex digits: URL-safe, unguessable, never sequential. */
    static String random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HEX.formatHex(bytes);
    }

    /** SHA-256 of issuer and subject (length-prefixed, so no two pairs collide by concatenation), in hex. */
    static String personKey(String issuer, String subject) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((issuer.length() + ":" + issuer + subject).getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
