package io.drawbridge.identity;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Adds groups to an authenticated identity from somewhere other than its token. Callers run on the event loop,
 * so there are two ways in: an answer from memory, or a future completed off the calling thread.
 * A source fails closed: a failure is an exception implementing {@link io.drawbridge.Reasoned}
 * ({@link CatalogUnavailable}, {@link UserNotInCatalog}), never an identity without the groups it should have.
 */
public interface RoleSource {

    /**
     * The enrichment when it is known without I/O; empty when it must be looked up with {@link #enrich}.
     *
     * @throws RuntimeException a {@code Reasoned} failure known without I/O (e.g. the catalog failed a moment ago
     *                          and nothing recent enough is cached)
     */
    Optional<Enrichment> enrichWithoutIo(Identity identity);

    /** The enrichment, looked up if need be; never blocks the caller. Fails as {@link #enrichWithoutIo} throws. */
    CompletableFuture<Enrichment> enrich(Identity identity);
}
