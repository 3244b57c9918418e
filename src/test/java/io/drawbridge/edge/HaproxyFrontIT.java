package io.drawbridge.edge;

import io.drawbridge.testing.FrontProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's HAProxy 2.6 (built with Lua 5.3, {@code haproxy -vv}: USE_LUA=1) in front, asking Drawbridge from the
 * guide's Lua action (docs/guides/forward-auth/drawbridge.lua) as configured by the guide's haproxy.cfg, with only
 * its addresses and the script's path replaced.
 */
class HaproxyFrontIT extends FrontContract {

    static final Path CONFIG = Path.of("docs/guides/forward-auth/haproxy.cfg");
    static final Path SCRIPT = Path.of("docs/guides/forward-auth/drawbridge.lua");

    @Override
    FrontProcess startFront(Path dir, int port, int gatewayPort, int appPort) throws IOException {
        String config = Files.readString(CONFIG)
                .replace("/etc/haproxy/drawbridge.lua", SCRIPT.toAbsolutePath().toString())
                .replace("bind :80", "bind 127.0.0.1:" + port)
                .replace("127.0.0.1:8080", "127.0.0.1:" + gatewayPort)
                .replace("127.0.0.1:3000", "127.0.0.1:" + appPort);
        Path haproxyDir = Files.createDirectories(dir.resolve("haproxy"));
        Path file = Files.writeString(haproxyDir.resolve("haproxy.cfg"), config);
        return FrontProcess.start(List.of("haproxy", "-db", "-f", file.toString()), haproxyDir.resolve("output.log"),
                port);
    }

    /** The Lua action hands a 302 to the client with its Location and cookie. */
    @Override
    String signIn() {
        return "redirect";
    }

    @Override
    int refusedStatus() {
        return 500; // haproxy.cfg fails closed on anything but 2xx, 302, 401 and 403
    }
}
