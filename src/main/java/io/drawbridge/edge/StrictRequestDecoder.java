package io.drawbridge.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder, minus its leniencies where servers disagree. Refused (the request fails to decode,
 * so it is answered 400 and the connection closes), because another server would read the same bytes as
 * another request:
 * <ul>
 *   <li>both {@code Transfer-Encoding: chunked} and {@code Content-Length} (Netty reads it as chunked): CL.TE
 *       and TE.CL smuggling;</li>
 *   <li>obsolete line folding, a header line starting with a space or tab (Netty joins it to the previous
 *       header; others take it as a header of its own or refuse it; RFC 9112 §5.2);</li>
 *   <li>a request line that is not exactly {@code METHOD SP target SP HTTP/x.y}: more than one space, a tab
 *       (Netty splits on any white space), a method with lower-case letters ({@code get} is not {@code GET}: methods
 *       are case-sensitive, yet Netty and many frameworks match them either way), a version in another case
 *       ({@code http/1.1}, which Netty upper-cases), or white space or controls before it.</li>
 * </ul>
 * The raw head is looked at before Netty consumes it, line by line as it arrives; bodies are not looked at.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    private enum Place { REQUEST_LINE, HEADERS, BODY }

    private Place place = Place.REQUEST_LINE;
    /** What is wrong with the head being decoded, set on the request once Netty emits it. */
    private String ambiguity;

    StrictRequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    /** Whether bytes of a request not yet decoded (a pipelined head in progress) are buffered. */
    boolean holdsBytes() {
        return actualReadableBytes() > 0;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (place != Place.BODY && ambiguity == null) {
            scan(buffer);
        }
        int before = out.size();
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++) {
            Object decoded = out.get(i);
            if (decoded instanceof HttpRequest request && ambiguity != null) {
                if (request.decoderResult().isSuccess()) {
                    request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(ambiguity)));
                }
                ambiguity = null;
            }
            if (decoded instanceof LastHttpContent) {
                place = Place.REQUEST_LINE;
            }
        }
    }

    /** Checks the complete lines of the head at the start of the buffer (Netty has not consumed them yet). */
    private void scan(ByteBuf buffer) {
        int at = buffer.readerIndex();
        int end = buffer.writerIndex();
        if (place == Place.REQUEST_LINE) {
            while (at < end && (buffer.getByte(at) == '\r' || buffer.getByte(at) == '\n')) {
                at++; // RFC 9112 §2.2: empty lines before a request line are ignored
            }
            int lf = buffer.indexOf(at, end, (byte) '\n');
            if (lf < 0) {
                return;
            }
            ambiguity = requestLineProblem(buffer, at, lf);
            place = Place.HEADERS;
            at = lf + 1;
            if (ambiguity != null) {
                return;
            }
        }
        while (at < end) {
            int lf = buffer.indexOf(at, end, (byte) '\n');
            if (lf < 0) {
                return;
            }
            int length = lf - at - (lf > at && buffer.getByte(lf - 1) == '\r' ? 1 : 0);
            if (length == 0) {
                place = Place.BODY;
                return;
            }
            byte first = buffer.getByte(at);
            if (first == ' ' || first == '\t') {
                ambiguity = "obsolete line folding (a header line starting with white space)";
                return;
            }
            at = lf + 1;
        }
    }

    /** @return what makes the request line ambiguous, or {@code null} when it is exactly method SP target SP version */
    static String requestLineProblem(ByteBuf buffer, int from, int lf) {
        int to = lf > from && buffer.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        int spaces = 0;
        int firstSpace = -1;
        int lastSpace = -1;
        for (int i = from; i < to; i++) {
            byte b = buffer.getByte(i);
            if (b == ' ') {
                if (i == from || buffer.getByte(i - 1) == ' ') {
                    return "white space before the request line, or more than one space between its parts";
                }
                spaces++;
                firstSpace = firstSpace < 0 ? i : firstSpace;
                lastSpace = i;
            } else if (b == '\t' || b < 0x20 || b == 0x7f) {
                return "a tab or control character in the request line";
            }
        }
        if (spaces != 2 || lastSpace == to - 1) {
            return null; // not three parts: Netty refuses it, or it is HTTP/0.9, refused later
        }
        for (int i = from; i < firstSpace; i++) {
            byte b = buffer.getByte(i);
            if (b >= 'a' && b <= 'z') {
                return "a method with lower-case letters (methods are case-sensitive)";
            }
        }
        for (int i = lastSpace + 1; i < to; i++) {
            byte b = buffer.getByte(i);
            if (b >= 'a' && b <= 'z') {
                return "an HTTP version in lower case";
            }
        }
        return null;
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        message.setDecoderResult(DecoderResult.failure(
                new IllegalArgumentException("both Transfer-Encoding and Content-Length")));
        super.handleTransferEncodingChunkedWithContentLength(message); // keep decoding, then drop the body
    }
}
