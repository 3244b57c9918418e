package io.drawbridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, for requests a client library would refuse to send (spoofed hop-by-hop headers,
 * {@code Camel*} headers, smuggling attempts, pipelining) and for reading responses exactly as sent.
 */
public final class RawHttp implements AutoCloseable {

    /** A response as read off the wire. */
    public record Response(int status, List<String[]> headers, byte[] body) {
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    values.add(h[1]);
                }
            }
            return values;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(int port) {
        this(connect(port));
    }

    /** Over a socket already connected, e.g. a TLS socket with a chosen server name. */
    public RawHttp(Socket connected) {
        try {
            socket = connected;
            socket.setSoTimeout(15_000);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Socket connect(int port) {
        try {
            return new Socket("127.0.0.1", port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code request} as is (use \r\n line ends) and reads one response. */
    public static Response exchange(int port, String request) {
        try (var http = new RawHttp(port)) {
            http.send(request);
            return http.read();
        }
    }

    public RawHttp send(String request) {
        return send(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one response, body framed by Content-Length, chunked encoding, or connection close. */
    public Response read() {
        return read(false);
    }

    public Response read(boolean headRequest) {
        try {
            String statusLine = line();
            if (statusLine == null) {
                throw new IOException("connection closed before a response");
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            List<String[]> headers = new ArrayList<>();
            String line;
            while ((line = line()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
            var response = new Response(status, headers, new byte[0]);
            if (headRequest || status == 204 || status == 304 || (status >= 100 && status < 200)) {
                return response;
            }
            String length = response.header("Content-Length");
            String te = response.header("Transfer-Encoding");
            byte[] body;
            if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                body = chunked();
            } else if (length != null) {
                int expected = Integer.parseInt(length);
                body = in.readNBytes(expected);
                if (body.length < expected) { // a cut-off body is no response
                    throw new IOException("connection closed after " + body.length + " of " + expected
                            + " body bytes");
                }
            } else {
                body = in.readAllBytes();
            }
            return new Response(status, headers, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when nothing at all arrives within {@code millis} (the server holds the response back). */
    public boolean silentFor(int millis) {
        try {
            socket.setSoTimeout(millis);
            in.mark(1);
            int b = in.read();
            in.reset();
            socket.setSoTimeout(15_000);
            return false; // a byte, or the connection's end
        } catch (java.net.SocketTimeoutException e) {
            try {
                socket.setSoTimeout(15_000);
            } catch (IOException ignored) {
                // the next read reports it
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True when one whole response arrives within {@code millis}. */
    public boolean answersWithin(int millis) {
        try {
            socket.setSoTimeout(millis);
            read();
            return true;
        } catch (UncheckedIOException | java.net.SocketException e) {
            return false;
        }
    }

    /** True when the server closed the connection (reads EOF within the timeout). */
    public boolean closedByServer() {
        try {
            socket.setSoTimeout(3000);
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    private byte[] chunked() throws IOException {
        var body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            if (sizeLine == null) {
                throw new IOException("connection closed inside a chunked body");
            }
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                String trailer;
                while ((trailer = line()) != null && !trailer.isEmpty()) {
                    // trailers are ignored
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            line();
        }
    }

    private String line() throws IOException {
        var sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    public InputStream input() {
        return in;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a test socket
        }
    }
}
