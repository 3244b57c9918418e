package io.drawbridge.access;

import java.time.Duration;

/** What the store's columns can keep, checked before a statement runs; messages name the field, never the value. */
final class Fields {

    private Fields() {
    }

    static void positive(Duration d) {
        if (d == null || d.toSeconds() < 1) {
            throw new IllegalArgumentException("a duration must be at least one second");
        }
    }

    static void person(Requester r) {
        if (r == null) {
            throw new IllegalArgumentException("no requester");
        }
        text("issuer", r.issuer(), JdbcAccessStore.MAX_TEXT, false);
        text("subject", r.subject(), JdbcAccessStore.MAX_TEXT, false);
        text("name", r.name(), JdbcAccessStore.MAX_TEXT, true);
        text("email", r.email(), JdbcAccessStore.MAX_TEXT, true);
    }

    /** Refuses what the columns cannot keep; the message names the field, never the value (user text). */
    static void text(String field, String value, int max, boolean optional) {
        if (value == null || value.isBlank()) {
            if (optional && value == null) {
                return;
            }
            if (!optional) {
                throw new IllegalArgumentException(field + " is required");
            }
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(field + " is longer than " + max + " characters");
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(field + " contains a NUL character");
        }
    }
}
