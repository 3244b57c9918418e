package io.drawbridge.identity;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.Reasoned;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The route step that enriches the authenticated caller ({@link ExchangeKeys#IDENTITY}) from a {@link RoleSource}:
 * it replaces the identity with the enriched one and records in {@link ExchangeKeys#CATALOG} how the answer was
 * obtained. On failure the exchange gets the source's {@link Reasoned} exception ({@link CatalogUnavailable},
 * {@link UserNotInCatalog}), {@link ExchangeKeys#FAILURE_REASON} its reason, and the identity stays as it was
 * (the route stops there). A request without an identity (a public route) passes untouched.
 *
 * <p>Never blocks the calling (event-loop) thread: an answer in memory completes at once; otherwise the source
 * looks up on its own bounded executor and the callback completes from there.
 */
public final class EnrichStep extends AsyncProcessorSupport {

    private final RoleSource source;

    public EnrichStep(RoleSource source) {
        this.source = source;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Identity identity = exchange.getProperty(ExchangeKeys.IDENTITY, Identity.class);
        if (identity == null) {
            callback.done(true);
            return true;
        }
        CompletableFuture<Enrichment> pending;
        try {
            Optional<Enrichment> known = source.enrichWithoutIo(identity);
            if (known.isPresent()) {
                accept(exchange, known.get());
                callback.done(true);
                return true;
            }
            pending = source.enrich(identity);
        } catch (RuntimeException e) {
            fail(exchange, e);
            callback.done(true);
            return true;
        }
        if (pending.isDone()) {
            settle(exchange, pending);
            callback.done(true);
            return true;
        }
        pending.whenComplete((enrichment, error) -> {
            settle(exchange, pending);
            callback.done(false);
        });
        return false;
    }

    private static void settle(Exchange exchange, CompletableFuture<Enrichment> done) {
        try {
            accept(exchange, done.join());
        } catch (CompletionException e) {
            fail(exchange, e.getCause() == null ? e : e.getCause());
        } catch (RuntimeException e) {
            fail(exchange, e);
        }
    }

    private static void accept(Exchange exchange, Enrichment enrichment) {
        exchange.setProperty(ExchangeKeys.IDENTITY, enrichment.identity());
        exchange.setProperty(ExchangeKeys.CATALOG, enrichment.lookup());
    }

    /** Fails the exchange: a {@link Reasoned} failure with its reason, anything else as the bug it is. */
    private static void fail(Exchange exchange, Throwable e) {
        if (e instanceof Reasoned reasoned) {
            exchange.setProperty(ExchangeKeys.FAILURE_REASON, reasoned.reason());
            exchange.setProperty(ExchangeKeys.CATALOG, reasoned.reason() == Reason.USER_NOT_IN_CATALOG
                    ? Enrichment.NOT_IN_CATALOG : Enrichment.UNAVAILABLE);
        }
        exchange.setException(e);
    }
}
