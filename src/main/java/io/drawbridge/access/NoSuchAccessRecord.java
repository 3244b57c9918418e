package io.drawbridge.access;

/**
 * No request or grant has that id (or, for a withdrawal, none of the caller's). A {@link RequestConflict}, so code
 * that answers 409 stays safe; the API may answer 404 for it instead.
 */
public final class NoSuchAccessRecord extends RequestConflict {

    public NoSuchAccessRecord(String detail) {
        super(detail);
    }
}
