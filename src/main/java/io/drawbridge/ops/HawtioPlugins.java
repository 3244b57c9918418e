package io.drawbridge.ops;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Hawtio's {@code /hawtio/plugin}: the console plugins registered as MBeans ({@code hawtio:type=plugin}), which
 * the console asks for when it loads. The war's own servlet writes its answer with Jolokia 2.1's serializer, which
 * the gateway's Jolokia, the only one the console gets ({@link HawtioWar}), no longer has. The gateway registers no
 * console plugin: the answer is an empty list.
 */
public final class HawtioPlugins extends HttpServlet {

    /** Replaces the war's servlet named {@code plugin}; Jetty applies it after the war's {@code web.xml}. */
    static final String OVERRIDE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="5.0">
              <servlet>
                <servlet-name>plugin</servlet-name>
                <servlet-class>io.drawbridge.ops.HawtioPlugins</servlet-class>
              </servlet>
            </web-app>
            """;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write("[]");
    }
}
