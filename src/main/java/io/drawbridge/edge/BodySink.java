package io.drawbridge.edge;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/** Receives a client's request body as it arrives; called on the client connection's event loop. */
public interface BodySink {

    /** A piece of the body; the sink takes ownership (releases or forwards it). */
    void onChunk(HttpContent chunk);

    /** The last piece (possibly empty, possibly with trailers); the sink takes ownership. */
    void onEnd(LastHttpContent last);
}
