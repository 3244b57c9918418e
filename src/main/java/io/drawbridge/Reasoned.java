package io.drawbridge;

/** A failure that knows its reason code; the edge maps reasons to HTTP statuses in one place. */
public interface Reasoned {

    Reason reason();
}
