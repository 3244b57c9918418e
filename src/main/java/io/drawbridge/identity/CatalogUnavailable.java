package io.drawbridge.identity;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;

/**
 * The catalog did not answer usably: unreachable, slow, an error status, a malformed or oversized answer, an
 * unreadable catalog file. Enrichment fails closed with it (503) once no last-known-good answer is recent enough.
 * The message is logged and audited, and may quote the catalog: it is kept {@link CatalogText#printable printable}.
 */
public class CatalogUnavailable extends RuntimeException implements Reasoned {

    public CatalogUnavailable(String detail) {
        super(CatalogText.printable(detail), null, false, false); // routine when the catalog is down: no stack trace
    }

    public CatalogUnavailable(String detail, Throwable cause) {
        super(CatalogText.printable(detail), cause, false, false);
    }

    @Override
    public Reason reason() {
        return Reason.CATALOG_UNAVAILABLE;
    }
}
