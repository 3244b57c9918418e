package io.drawbridge.edge;

import io.drawbridge.testing.FrontProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's nginx in front, asking Drawbridge with {@code auth_request}, configured by the guide's
 * docs/guides/forward-auth/nginx.conf with only its three addresses replaced.
 */
class NginxFrontIT extends FrontContract {

    static final Path SITE = Path.of("docs/guides/forward-auth/nginx.conf");

    @Override
    FrontProcess startFront(Path dir, int port, int gatewayPort, int appPort) throws IOException {
        return startNginx(dir, port, gatewayPort, appPort);
    }

    /** nginx accepts only 2xx, 401 and 403 from an auth subrequest: a sign-in is a 401 with a Location. */
    @Override
    String signIn() {
        return "status";
    }

    @Override
    int refusedStatus() {
        return 500; // nginx's answer when its auth subrequest gets anything but 2xx, 401 or 403
    }
    /** nginx with the guide's site file, its addresses pointed at the gateway, the application and a free port. */
    static FrontProcess startNginx(Path dir, int port, int gatewayPort, int appPort) throws IOException {
        String site = Files.readString(SITE)
                .replace("server 127.0.0.1:8080;", "server 127.0.0.1:" + gatewayPort + ";")
                .replace("server 127.0.0.1:3000;", "server 127.0.0.1:" + appPort + ";")
                .replace("listen 80;", "listen 127.0.0.1:" + port + ";");
        Path nginxDir = Files.createDirectories(dir.resolve("nginx"));
        Files.writeString(nginxDir.resolve("site.conf"), site);
        Files.writeString(nginxDir.resolve("nginx.conf"), """
                worker_processes 1;
                pid %1$s/nginx.pid;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %1$s/site.conf;
                }
                """.formatted(nginxDir));
        return FrontProcess.start(List.of("nginx", "-p", nginxDir.toString(), "-c", nginxDir + "/nginx.conf",
                "-e", nginxDir + "/error.log", "-g", "daemon off;"), nginxDir.resolve("output.log"), port);
    }
}
