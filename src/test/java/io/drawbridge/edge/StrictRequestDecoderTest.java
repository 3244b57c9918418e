package io.drawbridge.edge;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The decoder's strict reading, whole and byte by byte (as a slow client or a split TCP segment delivers it). */
class StrictRequestDecoderTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void obsoleteFoldingFailsTheRequestWhereverTheBytesAreSplit(boolean byteByByte) {
        List<HttpRequest> heads = decode("GET /a HTTP/1.1\r\nHost: h\r\nX-User: alice\r\n admin\r\n\r\n", byteByByte);

        assertThat(heads).hasSize(1);
        assertThat(heads.get(0).decoderResult().isFailure()).isTrue();
        assertThat(heads.get(0).decoderResult().cause()).hasMessageContaining("folding");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aLowerCaseMethodOrVersionOrASecondSpaceFailsTheRequest(boolean byteByByte) {
        for (String line : List.of("get /a HTTP/1.1", "GET /a http/1.1", "GET  /a HTTP/1.1", "GET\t/a HTTP/1.1")) {
            List<HttpRequest> heads = decode(line + "\r\nHost: h\r\n\r\n", byteByByte);
            assertThat(heads).as(line).hasSize(1);
            assertThat(heads.get(0).decoderResult().isFailure()).as(line).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void pipelinedRequestsWithBodiesAreReadOneByOne(boolean byteByByte) {
        List<HttpRequest> heads = decode("\r\nPOST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n get\r"
                + "GET /b HTTP/1.1\r\nHost: h\r\nX-A: a  b\r\n\r\n"
                + "GET /c HTTP/1.0\r\n\r\n", byteByByte);

        assertThat(heads).extracting(HttpRequest::uri).containsExactly("/a", "/b", "/c");
        assertThat(heads).allMatch(h -> h.decoderResult().isSuccess());
    }

    private static List<HttpRequest> decode(String bytes, boolean byteByByte) {
        var channel = new EmbeddedChannel(new StrictRequestDecoder(new HttpDecoderConfig()));
        byte[] raw = bytes.getBytes(StandardCharsets.ISO_8859_1);
        if (byteByByte) {
            for (byte b : raw) {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        } else {
            channel.writeInbound(Unpooled.wrappedBuffer(raw));
        }
        List<HttpRequest> heads = new ArrayList<>();
        Object message;
        while ((message = channel.readInbound()) != null) {
            if (message instanceof HttpRequest head) {
                heads.add(head);
            }
            ReferenceCountUtil.release(message);
        }
        channel.finishAndReleaseAll();
        return heads;
    }
}
