package io.drawbridge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Locale;

/**
 * Gzip for one proxied response, chunk by chunk as it streams (nothing is buffered whole). Only for routes that
 * ask ({@code compress=true}: off by default, since compressing a response that mixes secrets with reflected input
 * invites BREACH), a client that accepts gzip, and a response worth it: a complete 200 of a text-like type, at
 * least {@link #MIN_BYTES} long or of unknown length, not already encoded, not a range, not an event stream.
 */
final class ResponseCompression {

    static final int MIN_BYTES = 1024;

    private final EmbeddedChannel encoder = new EmbeddedChannel(ZlibCodecFactory.newZlibEncoder(ZlibWrapper.GZIP, 6));

    private ResponseCompression() {
    }

    /**
     * Starts compressing when the request and the response allow it, rewriting the response's headers to say so;
     * otherwise {@code null} and the headers untouched.
     */
    static ResponseCompression start(HttpMethod method, HttpHeaders request, int status, HttpHeaders response) {
        if (status != 200 || method.equals(HttpMethod.HEAD) || !acceptsGzip(request.get(HttpHeaderNames.ACCEPT_ENCODING))
                || request.contains(HttpHeaderNames.RANGE) || response.contains(HttpHeaderNames.CONTENT_ENCODING)
                || response.contains(HttpHeaderNames.CONTENT_RANGE) || !compressible(response)) {
            return null;
        }
        String length = response.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) < MIN_BYTES) {
                    return null;
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        response.remove(HttpHeaderNames.CONTENT_LENGTH); // the client gets it chunked
        response.set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
        response.add(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        String etag = response.get(HttpHeaderNames.ETAG);
        if (etag != null && !etag.startsWith("W/")) {
            // Another encoding is another representation: a strong validator of the original would lie.
            response.set(HttpHeaderNames.ETAG, "W/" + etag);
        }
        return new ResponseCompression();
    }

    /** Whether an Accept-Encoding value allows gzip (by name or {@code *}), without {@code q=0}. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        boolean star = false;
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.trim().split(";");
            String coding = pieces[0].trim().toLowerCase(Locale.ROOT);
            boolean refused = false;
            for (int i = 1; i < pieces.length; i++) {
                String param = pieces[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
                if (param.startsWith("q=") && param.substring(2).matches("0(\\.0{0,3})?")) {
                    refused = true;
                }
            }
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                return !refused;
            }
            star |= coding.equals("*") && !refused;
        }
        return star;
    }

    private static boolean compressible(HttpHeaders response) {
        String type = response.get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        String mime = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (mime.equals("text/event-stream")) {
            return false; // events must arrive as they happen; a compressor holds bytes back
        }
        return mime.startsWith("text/") || mime.endsWith("+json") || mime.endsWith("+xml")
                || mime.equals("application/json") || mime.equals("application/javascript")
                || mime.equals("application/xml") || mime.equals("image/svg+xml")
                || mime.equals("application/wasm");
    }

    /** Compresses a chunk (released here); returns what the compressor gives out now, possibly nothing. */
    ByteBuf encode(ByteBuf chunk) {
        encoder.writeOutbound(chunk);
        return drain(encoder.alloc().compositeBuffer());
    }

    /** Ends the stream: the compressor's last bytes and the gzip trailer. */
    ByteBuf finish(ByteBuf lastChunk) {
        if (lastChunk.isReadable()) {
            encoder.writeOutbound(lastChunk);
        } else {
            lastChunk.release();
        }
        encoder.finish();
        return drain(encoder.alloc().compositeBuffer());
    }

    /** Frees the compressor of a response that ends early. */
    void abandon() {
        encoder.finishAndReleaseAll();
    }

    private ByteBuf drain(CompositeByteBuf out) {
        ByteBuf next;
        while ((next = encoder.readOutbound()) != null) {
            out.addComponent(true, next);
        }
        return out;
    }
}
