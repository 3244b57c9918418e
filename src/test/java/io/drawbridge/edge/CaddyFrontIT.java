package io.drawbridge.edge;

import io.drawbridge.testing.FrontProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's Caddy in front, asking Drawbridge with {@code forward_auth}, configured by the guide's
 * docs/guides/forward-auth/Caddyfile with only its site address and two upstream addresses replaced.
 */
class CaddyFrontIT extends FrontContract {

    static final Path CADDYFILE = Path.of("docs/guides/forward-auth/Caddyfile");

    @Override
    FrontProcess startFront(Path dir, int port, int gatewayPort, int appPort) throws IOException {
        return startCaddy(dir, port, gatewayPort, appPort);
    }

    /** Caddy passes any answer but a 2xx to the client as it is: a sign-in is a 302 with its cookie. */
    @Override
    String signIn() {
        return "redirect";
    }

    @Override
    int refusedStatus() {
        return 400;
    }

    /** Caddy with the guide's Caddyfile on plain HTTP and a free port, its state in the test's folder. */
    static FrontProcess startCaddy(Path dir, int port, int gatewayPort, int appPort) throws IOException {
        String site = Files.readString(CADDYFILE)
                .replace("apps.example.com {", "http://:" + port + " {\n\tbind 127.0.0.1")
                .replace("127.0.0.1:8080", "127.0.0.1:" + gatewayPort)
                .replace("127.0.0.1:3000", "127.0.0.1:" + appPort);
        Path caddyDir = Files.createDirectories(dir.resolve("caddy"));
        Path config = Files.writeString(caddyDir.resolve("Caddyfile"),
                "{\n\tadmin off\n\tauto_https off\n}\n" + site);
        return FrontProcess.start(List.of("env", "XDG_DATA_HOME=" + caddyDir, "XDG_CONFIG_HOME=" + caddyDir,
                "caddy", "run", "--config", config.toString(), "--adapter", "caddyfile"),
                caddyDir.resolve("output.log"), port);
    }
}
