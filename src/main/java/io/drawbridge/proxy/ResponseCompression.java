package io.drawbridge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.BrotliEncoder;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brotli or gzip for one proxied response, chunk by chunk as it streams (nothing is buffered whole). Only for routes
 * that ask ({@code compress=true}: off by default, since compressing a response that mixes secrets with reflected
 * input invites BREACH), a client that accepts one of them, and a response worth it: a complete 200 of a text-like
 * type, at least {@link #MIN_BYTES} long or of unknown length, not already encoded, not a range, not an event
 * stream. Brotli ({@code br}) is preferred when the client accepts both equally and its native library loaded
 * (once, at first use; if it cannot load, that is logged once and gzip is used).
 */
final class ResponseCompression {

    static final int MIN_BYTES = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ResponseCompression.class);
    /** Whether brotli4j's native library loaded; decided once, when the first response may be compressed. */
    static final boolean BROTLI = brotliLoads();

    private final EmbeddedChannel encoder;

    private ResponseCompression(String coding) {
        this.encoder = new EmbeddedChannel(coding.equals("br") ? new BrotliEncoder()
                : ZlibCodecFactory.newZlibEncoder(ZlibWrapper.GZIP, 6));
    }

    private static boolean brotliLoads() {
        if (Brotli.isAvailable()) {
            return true;
        }
        LOG.warn("Brotli is unavailable ({}); compress=true routes answer with gzip only",
                Brotli.cause() == null ? "no native library" : Brotli.cause().toString());
        return false;
    }

    /**
     * Starts compressing when the request and the response allow it, rewriting the response's headers to say so;
     * otherwise {@code null} and the headers untouched.
     */
    static ResponseCompression start(HttpMethod method, HttpHeaders request, int status, HttpHeaders response) {
        String coding = status != 200 || method.equals(HttpMethod.HEAD) ? null
                : choose(request.get(HttpHeaderNames.ACCEPT_ENCODING), BROTLI);
        if (coding == null || request.contains(HttpHeaderNames.RANGE) || response.contains(HttpHeaderNames.CONTENT_ENCODING)
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
        response.set(HttpHeaderNames.CONTENT_ENCODING, coding);
        response.add(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        String etag = response.get(HttpHeaderNames.ETAG);
        if (etag != null && !etag.startsWith("W/")) {
            // Another encoding is another representation: a strong validator of the original would lie.
            response.set(HttpHeaderNames.ETAG, "W/" + etag);
        }
        return new ResponseCompression(coding);
    }

    /**
     * The coding to answer with: {@code br} when brotli is available and the client accepts it at least as much as
     * gzip, else {@code gzip} when accepted (by name or {@code *}, with a q above 0), else {@code null}.
     */
    static String choose(String acceptEncoding, boolean brotli) {
        if (acceptEncoding == null) {
            return null;
        }
        double gzip = quality(acceptEncoding, "gzip");
        double br = brotli ? quality(acceptEncoding, "br") : 0;
        if (br > 0 && br >= gzip) {
            return "br";
        }
        return gzip > 0 ? "gzip" : null;
    }

    /**
     * How much an Accept-Encoding value wants a coding ({@code x-gzip} counts as gzip): its q (1 when unstated),
     * else {@code *}'s, else 0.
     */
    static double quality(String acceptEncoding, String wanted) {
        double star = 0;
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.trim().split(";");
            String coding = pieces[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < pieces.length; i++) {
                String param = pieces[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
                if (param.startsWith("q=")) {
                    q = param.substring(2).matches("(0(\\.\\d{0,3})?|1(\\.0{0,3})?)")
                            ? Double.parseDouble(param.substring(2)) : 0; // a malformed q accepts nothing
                }
            }
            if (coding.equals(wanted) || wanted.equals("gzip") && coding.equals("x-gzip")) {
                return q;
            }
            if (coding.equals("*")) {
                star = q;
            }
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

    /** Ends the stream: the compressor's last bytes and the gzip trailer (or brotli's last block). */
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
