package io.drawbridge.proxy;

import io.drawbridge.edge.ClientRequest;
import io.drawbridge.edge.StreamingResponse;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.function.Consumer;

/**
 * A response served from a route's cache: the edge writes its head from the message like an upstream's, then
 * this writes the kept bytes (or nothing, for {@code HEAD} and {@code 304}) as the last part, after the record.
 */
final class CachedAnswer implements StreamingResponse {

    private final byte[] body; // null when the response has none

    CachedAnswer(byte[] body) {
        this.body = body;
    }

    @Override
    public String upgradeProtocol() {
        return null;
    }

    @Override
    public void streamTo(ClientRequest client, Consumer<Throwable> onComplete) {
        LastHttpContent last = body == null || body.length == 0 ? LastHttpContent.EMPTY_LAST_CONTENT
                : new DefaultLastHttpContent(Unpooled.wrappedBuffer(body));
        client.countOut(last.content().readableBytes());
        client.writeLastAfterAudit(last, () -> onComplete.accept(null));
    }

    @Override
    public void abort() {
        // nothing held: the bytes belong to the cache
    }
}
