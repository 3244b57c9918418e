package io.drawbridge.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.audit.AuditSink;
import io.drawbridge.config.ManagementConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.SecurityHandler;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.security.Credential;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jolokia.server.core.http.AgentServlet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port, a socket of its own (Jetty, off the data plane's event loops), loopback by default:
 * <ul>
 *   <li>{@code /health/live}: the process serves; {@code /health/ready}: it can serve traffic (503 until then)</li>
 *   <li>{@code /metrics}: Prometheus</li>
 *   <li>{@code /jolokia}: JMX over HTTP, where Camel's route MBeans are</li>
 *   <li>{@code /hawtio}: the Hawtio console, showing the live routes (when turned on)</li>
 * </ul>
 * Jolokia and Hawtio are served only with HTTP Basic credentials (dev mode excepted: loopback, one developer);
 * health and metrics stay open for probes and scrapers. Requests naming another {@code Host} than the listener's
 * are refused ({@link ManagementHosts}): no web page reaches the port by DNS rebinding.
 */
public final class ManagementServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private final Server server;
    private final ServerConnector connector;
    private final ContextHandlerCollection contexts = new ContextHandlerCollection();

    /** As {@link #ManagementServer(ManagementConfig, Readiness, Supplier, Path, AuditSink)}, auditing nothing. */
    public ManagementServer(ManagementConfig config, Readiness readiness, Supplier<String> metrics, Path workDir) {
        this(config, readiness, metrics, workDir, null);
    }

    /** @param audit where refused {@code Host}s are recorded, or {@code null} */
    public ManagementServer(ManagementConfig config, Readiness readiness, Supplier<String> metrics, Path workDir,
                            AuditSink audit) {
        var threads = new QueuedThreadPool(16, 2);
        threads.setName("drawbridge-management");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost(config.host());
        connector.setPort(config.port());
        server.addConnector(connector);

        contexts.addHandler(new ContextHandler(new Health(readiness), "/health"));
        var prometheus = new ContextHandler(new Text(metrics, "text/plain; version=0.0.4; charset=utf-8"),
                "/metrics");
        prometheus.setAllowNullPathInContext(true); // /metrics itself, not a redirect to /metrics/
        contexts.addHandler(prometheus);
        boolean consoles = config.consolesAllowed();
        if (!consoles && (config.jolokia() || config.hawtio())) {
            LOG.warn("Jolokia and Hawtio are not served: they need management.username and management.password "
                    + "(a page in a browser on this machine could otherwise reach them)");
        }
        if (config.jolokia() && consoles) {
            var jolokia = new ServletContextHandler("/jolokia");
            var agent = new ServletHolder(new AgentServlet());
            agent.setInitParameter("restrictorClass", "org.jolokia.server.core.restrictor.AllowAllRestrictor");
            agent.setInitParameter("includeStackTrace", "false");
            jolokia.addServlet(agent, "/*");
            contexts.addHandler(jolokia);
        }
        if (config.hawtio() && consoles) {
            contexts.addHandler(hawtio(workDir));
        }
        Handler served = config.username() == null ? contexts : guarded(contexts, config);
        server.setHandler(new ManagementHosts(config, audit, served));
    }

    /** Hawtio's war rides in the jar; Jetty deploys it unpacked in the work folder, less what it must not bring. */
    private static WebAppContext hawtio(Path workDir) {
        // Jetty's Basic authentication guards the console and its Jolokia; Hawtio's own login would be a second one.
        System.setProperty("hawtio.authenticationEnabled", "false");
        System.setProperty("hawtio.disableProxy", "true");
        System.setProperty("hawtio.offline", "true");
        try (InputStream war = ManagementServer.class.getClassLoader().getResourceAsStream("hawtio/hawtio.war")) {
            if (war == null) {
                throw new IllegalStateException("hawtio.war is missing from the jar");
            }
            Path console = HawtioWar.unpack(war, workDir.resolve("hawtio-console"));
            var webapp = new WebAppContext();
            webapp.setContextPath("/hawtio");
            webapp.setWar(console.toString());
            webapp.addOverrideDescriptor(console.resolve(HawtioWar.OVERRIDE).toString());
            webapp.setTempDirectory(Files.createDirectories(workDir.resolve("hawtio-work")).toFile());
            webapp.setThrowUnavailableOnStartupException(true);
            return webapp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the Hawtio console", e);
        }
    }

    private static Handler guarded(Handler contexts, ManagementConfig config) {
        var users = new UserStore();
        users.addUser(config.username(), Credential.getCredential(config.password()), new String[] {"admin"});
        var login = new HashLoginService("drawbridge-management");
        login.setUserStore(users);
        var security = new SecurityHandler.PathMapped();
        security.put("/jolokia/*", Constraint.ANY_USER);
        security.put("/hawtio/*", Constraint.ANY_USER);
        security.put("/explain", Constraint.ANY_USER);
        security.put("/explain/*", Constraint.ANY_USER);
        security.put("/health/*", Constraint.ALLOWED);
        security.put("/metrics", Constraint.ALLOWED);
        security.setLoginService(login);
        security.setAuthenticator(new BasicAuthenticator());
        security.setHandler(contexts);
        return security;
    }

    /**
     * {@code POST /explain}: a JSON request answered with JSON, behind the same credentials as Jolokia (before
     * {@link #start}). The handler's {@link IllegalArgumentException} is the caller's mistake: 400.
     */
    public void explain(UnaryOperator<String> handler) {
        var explain = new ContextHandler(new Post(handler), "/explain");
        explain.setAllowNullPathInContext(true);
        contexts.addHandler(explain);
    }

    public void start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("management port " + connector.getHost() + ":" + connector.getPort()
                    + ": " + e.getMessage(), e);
        }
        LOG.info("Management on http://{}:{} (/health/live, /health/ready, /metrics{})", connector.getHost(),
                port(), describe());
    }

    private String describe() {
        var sb = new StringBuilder();
        for (ServletContextHandler c : server.getDescendants(ServletContextHandler.class)) {
            sb.append(", ").append(c.getContextPath());
        }
        return sb.toString();
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the management port: {}", e.getMessage());
        }
    }

    /** {@code /live} and {@code /ready}. */
    private static final class Health extends Handler.Abstract {
        private final Readiness readiness;

        Health(Readiness readiness) {
            this.readiness = readiness;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            if (path.equals("/live")) {
                Content.Sink.write(response, true, "{\"status\":\"UP\"}\n", callback);
                return true;
            }
            if (path.equals("/ready")) {
                Readiness.Report report = readiness.report();
                response.setStatus(report.ready() ? 200 : 503);
                Content.Sink.write(response, true, report.toJson(), callback);
                return true;
            }
            return false;
        }
    }

    private static final class Post extends Handler.Abstract {
        private static final int MAX_BODY = 64 * 1024;
        private final UnaryOperator<String> handler;

        Post(UnaryOperator<String> handler) {
            this.handler = handler;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            if (!"POST".equals(request.getMethod())) {
                response.setStatus(405);
                response.getHeaders().put(HttpHeader.ALLOW, "POST");
                Content.Sink.write(response, true, "{\"status\":405,\"error\":\"POST a JSON request\"}\n", callback);
                return true;
            }
            String body = Content.Source.asString(request, StandardCharsets.UTF_8);
            if (body.length() > MAX_BODY) {
                response.setStatus(413);
                Content.Sink.write(response, true, "{\"status\":413,\"error\":\"request too large\"}\n", callback);
                return true;
            }
            String answer;
            try {
                answer = handler.apply(body);
            } catch (IllegalArgumentException e) {
                response.setStatus(400);
                answer = new ObjectMapper().createObjectNode().put("status", 400)
                        .put("error", String.valueOf(e.getMessage())).toString();
            }
            Content.Sink.write(response, true, answer + "\n", callback);
            return true;
        }
    }

    private static final class Text extends Handler.Abstract {
        private final Supplier<String> body;
        private final String contentType;

        Text(Supplier<String> body, String contentType) {
            this.body = body;
            this.contentType = contentType;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            Content.Sink.write(response, true, body.get(), callback);
            return true;
        }
    }
}
