package io.drawbridge.adversarial;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that misbehaves on purpose, on a plain server socket: it resets connections, answers with bytes
 * that are not HTTP, sends more header bytes than any proxy should buffer, stalls after the status line, or
 * (to show recovery) answers properly. Counts the connections it accepted.
 */
final class BrokenUpstream implements AutoCloseable {

    enum Mode { RESET, GARBAGE, HUGE_HEADERS, STALL_AFTER_STATUS, OK }

    private final ServerSocket server;
    private final Mode mode;
    private final AtomicInteger accepted = new AtomicInteger();

    BrokenUpstream(int port, Mode mode) {
        this.mode = mode;
        try {
            server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "broken-upstream-" + mode);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    int accepted() {
        return accepted.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                Thread worker = new Thread(() -> serve(socket), "broken-upstream-conn");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            if (mode == Mode.RESET) {
                socket.setSoLinger(true, 0); // close with RST
                return;
            }
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (readHead(in)) {
                switch (mode) {
                    case GARBAGE -> {
                        out.write("SSH-2.0-OpenSSH_9.2\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        return;
                    }
                    case HUGE_HEADERS -> {
                        var head = new StringBuilder("HTTP/1.1 200 OK\r\n");
                        for (int i = 0; i < 2000; i++) {
                            head.append("X-Pad-").append(i).append(": ").append("p".repeat(60)).append("\r\n");
                        }
                        out.write(head.append("Content-Length: 2\r\n\r\nok").toString().getBytes(StandardCharsets.US_ASCII));
                    }
                    case STALL_AFTER_STATUS -> {
                        out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        Thread.sleep(10_000);
                        return;
                    }
                    default -> out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            }
        } catch (IOException e) {
            // the gateway hung up: expected with most modes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads one request head (the tests send no bodies); false at end of stream. */
    private static boolean readHead(InputStream in) throws IOException {
        int state = 0;
        int c;
        while ((c = in.read()) != -1) {
            state = (c == '\n') ? (state == 1 ? 2 : 1) : (c == '\r' ? state : 0);
            if (state == 2) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing a test server
        }
    }
}
