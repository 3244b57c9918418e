package io.drawbridge.dev;

import io.drawbridge.Gateway;
import io.drawbridge.config.AccessConfig;
import io.drawbridge.config.CatalogConfig;
import io.drawbridge.config.ConfigLoader;
import io.drawbridge.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.camel.builder.RouteBuilder;

/**
 * Dev mode, the embedded default: the gateway on loopback with a development issuer at {@code /dev-idp}, an echo
 * upstream, the demo routes and policies, and the audit file in {@code .drawbridge/}. Nothing here can run on a
 * non-loopback address.
 */
public final class DevMode {

    public static final String CONFIG = "dev/drawbridge-dev.yaml";
    private static final String DEMO_CATALOG = "dev/catalog/catalog-info.yaml";
    private static final Path STATE = Path.of(".drawbridge");

    private DevMode() {
    }

    /** Loads the built-in dev configuration (the port may be set with {@code DRAWBRIDGE_DEV_PORT}). */
    public static GatewayConfig config(ConfigLoader loader) {
        try (InputStream yaml = DevMode.class.getClassLoader().getResourceAsStream(CONFIG)) {
            if (yaml == null) {
                throw new IllegalStateException("the dev configuration " + CONFIG + " is missing from the jar");
            }
            GatewayConfig config = loader.load("classpath:" + CONFIG, yaml);
            // The demo routes: the working directory's routes/ when there is one, else the copy in the jar.
            List<String> routes = Files.isDirectory(Path.of("routes"))
                    ? List.of("file:routes/*.yaml") : List.of("classpath:routes/*.yaml");
            return config.withRoutes(routes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Gateway start(GatewayConfig config, PrintStream out) {
        return start(config, UnaryOperator.identity(), out);
    }

    /**
     * @param config  the configuration, {@code changes} made
     * @param changes what the command line changed in the file's configuration (see {@link Gateway#start})
     */
    public static Gateway start(GatewayConfig config, UnaryOperator<GatewayConfig> changes, PrintStream out) {
        requireLoopback(config.server().host());
        if (config.management().enabled()) { // Jolokia and Hawtio without credentials: this machine only
            requireLoopback(config.management().host());
        }
        config = config.withManagement(config.management().inDevMode());
        // Made again to every new reading of the file, so that hot reload does not take them for edits.
        UnaryOperator<GatewayConfig> startChanges = changes;
        changes = c -> {
            GatewayConfig changed = startChanges.apply(c);
            return changed.withManagement(changed.management().inDevMode());
        };
        String issuer = config.issuers().stream().filter(i -> i.name().equals("dev")).findFirst()
                .orElseThrow(() -> new IllegalStateException("dev mode needs the issuer named 'dev'")).issuer();
        var login = config.login();
        var devIssuer = new DevIssuer(issuer, STATE.resolve("dev-idp-key.json"),
                login == null ? null : login.redirectUri(), login == null ? null : login.postLogoutRedirectUri());
        EchoUpstream echo = EchoUpstream.start();
        McpUpstream tools = McpUpstream.start();
        UnaryOperator<GatewayConfig> withDemo = changes;
        if (config.catalog() == null) { // and so whenever the file is read again without one
            CatalogConfig demo = demoCatalog(echo.url(), STATE.resolve("catalog"));
            UnaryOperator<GatewayConfig> devChanges = changes;
            withDemo = c -> {
                GatewayConfig changed = devChanges.apply(c);
                return changed.catalog() == null ? changed.withCatalog(demo) : changed;
            };
            config = config.withCatalog(demo);
        }
        // Access requests in an H2 store of this run only: the walk starts afresh each time.
        var store = new AccessConfig.StoreConfig("jdbc:h2:file:" + temporaryStore()
                .resolve("access"), null, null);
        UnaryOperator<GatewayConfig> withDemoCatalog = withDemo;
        withDemo = c -> {
            GatewayConfig changed = withDemoCatalog.apply(c);
            return changed.withAccess(changed.accessOrDefaults().withStore(store));
        };
        config = config.withAccess(config.accessOrDefaults().withStore(store));
        List<AutoCloseable> resources = new ArrayList<>(List.of(echo, tools));
        RouteBuilder devIdp = new RouteBuilder() {
            @Override
            public void configure() {
                from("gateway:" + URI.create(issuer).getPath() + "?bufferBody=true")
                        .routeId("dev-idp")
                        .to("drawbridge:authorize?policy=dev-idp")
                        .process(devIssuer);
                // Forward authentication for a front on this machine, deciding for the dev routes: 302 to sign
                // in (Caddy, Traefik, Envoy), or 401 with the sign-in page in Location (nginx auth_request).
                from("gateway:/.drawbridge/auth").routeId("dev-forward-auth").to("drawbridge:decide");
                from("gateway:/.drawbridge/auth-request").routeId("dev-forward-auth-request")
                        .to("drawbridge:decide?signIn=status");
            }
        };
        Gateway gateway = Gateway.start(config, withDemo, Map.of("upstream.echo", echo.url(), "upstream.mcp",
                tools.url()), List.of(devIdp), resources);
        banner(out, config, gateway.port(), issuer);
        return gateway;
    }

    /**
     * The configuration as dev mode runs it: with the demo catalog, written to {@code folder} (not dev mode's own,
     * which a running dev gateway watches), unless it names its own.
     */
    public static GatewayConfig withDemoCatalogIfNone(GatewayConfig config, String echoUrl, Path folder) {
        return config.catalog() == null ? config.withCatalog(demoCatalog(echoUrl, folder)) : config;
    }

    /**
     * The demo catalog (alice in sre, sre under platform, a Component declaring a route for its owners), written
     * to {@code .drawbridge/catalog/} with the echo upstream's address, since catalog data is never run through
     * property placeholders.
     */
    private static CatalogConfig demoCatalog(String echoUrl, Path folder) {
        try (InputStream demo = DevMode.class.getClassLoader().getResourceAsStream(DEMO_CATALOG)) {
            String yaml = new String(demo.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("{{upstream.echo}}", echoUrl);
            Path file = Files.createDirectories(folder).resolve("catalog-info.yaml");
            Files.writeString(file, yaml);
            return new CatalogConfig(null, file.toString(), null, null, null, null, null,
                    Duration.ofSeconds(5), null, true); // the demo shows route discovery
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo catalog", e);
        }
    }

    /** A folder for dev mode's access store, removed when the JVM exits. */
    private static Path temporaryStore() {
        try {
            Path dir = Files.createTempDirectory("drawbridge-dev-access-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    // a temporary folder: the system cleans it up eventually
                }
            }, "drawbridge-dev-access-cleanup"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create dev mode's access store", e);
        }
    }

    private static void requireLoopback(String host) {
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalStateException("dev mode listens on loopback only, not on " + host);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("dev mode listens on loopback only, not on " + host);
        }
    }

    private static void banner(PrintStream out, GatewayConfig config, int port, String issuer) {
        String base = "http://127.0.0.1:" + port;
        String token = "curl -s -d grant_type=password -d client_id=" + DevIssuer.CLI_CLIENT
                + " -d username=%s -d password=%s " + issuer + "/token | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/'";
        out.println();
        out.println("  ==================================================================================");
        out.println("   DRAWBRIDGE DEV MODE: for development only. Demo users, fixed secrets, loopback.");
        out.println("  ==================================================================================");
        out.println("   gateway      " + base);
        out.println("   dev issuer   " + issuer + "   (users alice/alice, bob/bob; client ci-bot/ci-bot-secret)");
        out.println("   routes       " + String.join(", ", config.routes()));
        out.println("   catalog      " + config.catalog().files() + "   (routes declared there appear by themselves)");
        out.println("   audit log    " + config.audit().file());
        out.println();
        out.println("   Try it:");
        if (config.login() != null) {
            out.println("   open " + base + "/echo/ in a browser              # sign in as alice/alice; "
                    + base + config.login().logoutPath() + " signs out");
        }
        out.println("   curl -i " + base + "/public/hello                  # public: 200");
        out.println("   curl -i " + base + "/echo/                         # no token: 401");
        out.println("   ALICE=$(" + token.formatted("alice", "alice") + ")");
        out.println("   curl -i -H \"Authorization: Bearer $ALICE\" " + base + "/echo/   # alice is in sre: 200");
        out.println("   BOB=$(" + token.formatted("bob", "bob") + ")");
        out.println("   curl -i -H \"Authorization: Bearer $BOB\" " + base + "/echo/     # bob is not: 403");
        out.println("   CI=$(curl -s -u ci-bot:ci-bot-secret -d grant_type=client_credentials " + issuer
                + "/token | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')");
        out.println("   curl -i -H \"Authorization: Bearer $CI\" " + base + "/echo/      # ci-bot (automation): 403");
        out.println("   curl -i -H \"Authorization: Bearer $ALICE\" " + base + "/platform/   # group:default/platform,"
                + " via sre's parent: 200");
        out.println();
        out.println("   Access requests: bob is denied /echo/, asks, alice approves, bob gets in (and the audit log"
                + " tells it):");
        if (config.login() != null) {
            out.println("   open " + base + "/echo/ as bob/bob        # 403 with a \"Request access\" form:"
                    + " give a reason");
            out.println("   open " + base + "/.drawbridge/access as alice/alice (another browser)   # approve, one"
                    + " click");
        }
        String access = base + "/.drawbridge/access";
        out.println("   curl -s -H \"Authorization: Bearer $BOB\" -H 'Content-Type: application/json' " + access
                + "/requests -d '{\"route\":\"echo\",\"duration\":\"1h\",\"reason\":\"on call\"}'   # 201, an id");
        out.println("   ID=$(curl -s -H \"Authorization: Bearer $ALICE\" '" + access + "/requests?role=approver'"
                + " | sed -E 's/.*\"id\":\"([^\"]+)\".*/\\1/')");
        out.println("   curl -s -X POST -H \"Authorization: Bearer $ALICE\" " + access + "/requests/$ID/approve"
                + "   # the grant");
        out.println("   curl -i -H \"Authorization: Bearer $BOB\" " + base + "/echo/     # bob, by the grant: 200");
        out.println("   grep access- " + config.audit().file() + "   # access-requested, access-approved;"
                + " grep grant-active for bob's requests");
        out.println("   curl -i -H \"Authorization: Bearer $ALICE\" " + base + "/catalog-echo/   # a catalog-declared"
                + " route for its owners (sre): 200");
        String mcp = base + "/mcp";
        String rpc = "curl -s -H \"Authorization: Bearer $AGENT\" -H 'Content-Type: application/json'"
                + " -H 'Accept: application/json, text/event-stream' " + mcp + " -d ";
        out.println();
        out.println("   An AI agent on MCP (" + mcp + "): it finds the issuer from the 401, gets a token for the"
                + " route as ci-bot, may call echo and not delete_repo:");
        out.println("   curl -si -X POST " + mcp + " | grep -i www-authenticate   # 401, resource_metadata=...");
        out.println("   curl -s " + base + "/.well-known/oauth-protected-resource/mcp   # authorization_servers: "
                + issuer);
        out.println("   AGENT=$(curl -s -u ci-bot:ci-bot-secret -d grant_type=client_credentials -d resource=" + mcp
                + " " + issuer + "/token | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')");
        out.println("   " + rpc + "'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}}'   # allowed: hi");
        out.println("   " + rpc + "'{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"delete_repo\",\"arguments\":{\"repo\":\"prod\"}}}'   # refused: JSON-RPC error");
        out.println("   tail -f " + config.audit().file() + "   # both calls, with mcpTool");
        out.println("  ==================================================================================");
        out.println();
        out.flush();
    }
}
