package io.drawbridge.edge;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, minus one leniency: a request with both {@code Transfer-Encoding: chunked} and
 * {@code Content-Length} is refused instead of silently read as chunked. Two parsers disagreeing on where a
 * request ends is how requests are smuggled (CL.TE, TE.CL), so the gateway does not pick one for the client.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    StrictRequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    /** Whether bytes of a request not yet decoded (a pipelined head in progress) are buffered. */
    boolean holdsBytes() {
        return actualReadableBytes() > 0;
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        message.setDecoderResult(DecoderResult.failure(
                new IllegalArgumentException("both Transfer-Encoding and Content-Length")));
        super.handleTransferEncodingChunkedWithContentLength(message); // keep decoding, then drop the body
    }
}
