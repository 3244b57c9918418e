package io.drawbridge.access;

import java.util.Objects;

/**
 * Who asked, as the gateway authenticated them. A person is the pair ({@code issuer}, {@code subject}): the
 * same subject from another issuer is someone else.
 *
 * @param issuer  the issuer's name as configured (never blank)
 * @param subject the token's {@code sub} (never blank)
 * @param name    a display name or the catalog user's ref, for approvers to read; may be null
 * @param email   the verified e-mail address, or null
 */
public record Requester(String issuer, String subject, String name, String email) {

    public Requester {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        if (issuer.isBlank() || subject.isBlank()) {
            throw new IllegalArgumentException("a requester needs an issuer and a subject");
        }
    }

    /** Whether this is the same person as ({@code issuer}, {@code subject}). */
    public boolean is(String issuer, String subject) {
        return this.issuer.equals(issuer) && this.subject.equals(subject);
    }
}
