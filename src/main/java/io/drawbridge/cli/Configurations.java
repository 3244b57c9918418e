package io.drawbridge.cli;

import io.drawbridge.ConfigChecks;
import io.drawbridge.RouteProblems;
import io.drawbridge.config.ConfigLoader;
import io.drawbridge.config.ConfigProblem;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.InvalidConfiguration;
import io.drawbridge.dev.DevMode;
import io.drawbridge.explain.ServedRoute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the configuration a command is pointed at ({@code --config FILE} or {@code --dev}) as the gateway would.
 * Secrets are usually not set where commands run (CI): a variable that is not set is, on a second pass, given a
 * stand-in value, and the command says which ones it stood in for.
 */
final class Configurations {

    /** Base64 of 32 bytes: a valid stand-in for session keys, passwords and tokens alike. */
    static final String STAND_IN = "Y2hlY2stc3RhbmQtaW4tdmFsdWUtMzItYnl0ZXMtISE=";
    /** What dev mode's routes find as {@code {{upstream.echo}}} and {@code {{upstream.mcp}}} (neither is started). */
    static final Map<String, String> DEV_PROPERTIES = Map.of("upstream.echo", "http://127.0.0.1:9",
            "upstream.mcp", "http://127.0.0.1:9");
    private static final Pattern UNSET = Pattern.compile("environment variable (\\w+) is not set");

    /** The configuration, and the variables that were not set and were stood in for. */
    record Loaded(GatewayConfig config, Set<String> stoodIn, Map<String, String> properties) {
    }

    private Configurations() {
    }

    static ConfigLoader loader(Function<String, String> environment) {
        return ConfigChecks.loader(environment);
    }

    /** @throws InvalidConfiguration with every problem, unset variables apart */
    static Loaded load(Arguments args, Function<String, String> environment) {
        String file = args.value("--config");
        boolean dev = args.flag("--dev");
        if (file == null && !dev) {
            throw new Arguments.UsageError("--config FILE or --dev is needed");
        }
        try {
            return new Loaded(load(file, dev, environment), Set.of(), dev ? DEV_PROPERTIES : Map.of());
        } catch (InvalidConfiguration e) {
            Set<String> unset = new LinkedHashSet<>();
            for (ConfigProblem problem : e.problems()) {
                Matcher m = UNSET.matcher(problem.message());
                if (m.lookingAt()) {
                    unset.add(m.group(1));
                }
            }
            if (unset.isEmpty()) {
                throw e;
            }
            // Again with stand-ins: what is still wrong then is wrong whatever the variables hold.
            GatewayConfig config = load(file, dev, name -> {
                String value = environment.apply(name);
                return value == null && unset.contains(name) ? STAND_IN : value;
            });
            return new Loaded(config, unset, dev ? DEV_PROPERTIES : Map.of());
        }
    }

    /**
     * The routes a command sees: the route files', and in dev mode also the dev issuer's route, which dev mode
     * builds in Java.
     */
    static List<ServedRoute> routes(Loaded loaded, boolean dev) {
        var routes = new ArrayList<>(RouteProblems.served(loaded.config(),
                loaded.properties()));
        if (dev) {
            routes.add(new ServedRoute("dev-idp", null, "/dev-idp", "dev mode",
                    List.of("authorize?policy=dev-idp"), "dev-idp", null));
        }
        return routes;
    }

    private static GatewayConfig load(String file, boolean dev, Function<String, String> environment) {
        ConfigLoader loader = loader(environment);
        GatewayConfig config = file == null ? DevMode.config(loader) : loader.load(Path.of(file));
        if (!dev) {
            return config;
        }
        try {
            Path folder = Files.createTempDirectory("drawbridge-dev-catalog");
            folder.toFile().deleteOnExit();
            folder.resolve("catalog-info.yaml").toFile().deleteOnExit(); // registered before the file is written
            return DevMode.withDemoCatalogIfNone(config, DEV_PROPERTIES.get("upstream.echo"), folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo catalog for a command", e);
        }
    }
}
