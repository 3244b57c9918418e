package io.drawbridge.edge;

import java.util.function.Consumer;

/**
 * A response whose body is still arriving (from an upstream): the route leaves it as the message body, the edge
 * writes the head from the message headers, then lets it stream the body to the client with back-pressure.
 */
public interface StreamingResponse {

    /** The protocol the upstream switched to ({@code websocket}) when this is a 101 response, else {@code null}. */
    String upgradeProtocol();

    /**
     * Streams the body (or, after a 101, the raw tunnel) to the client, on the client's event loop.
     *
     * @param client     the request this answers
     * @param onComplete called once, on the client's event loop, with {@code null} when the whole body was sent,
     *                   else with what went wrong
     */
    void streamTo(ClientRequest client, Consumer<Throwable> onComplete);

    /** Whether the whole body has arrived (it then waits only for the audit record, and needs no stream watch). */
    default boolean arrived() {
        return false;
    }

    /** Gives up the body without sending it (the edge is answering with an error instead). */
    void abort();
}
