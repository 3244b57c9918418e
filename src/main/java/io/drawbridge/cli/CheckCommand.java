package io.drawbridge.cli;

import io.drawbridge.RouteProblems;
import io.drawbridge.config.ConfigMapRef;
import io.drawbridge.config.ConfigProblem;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.InvalidConfiguration;
import io.drawbridge.identity.CatalogUnavailable;
import io.drawbridge.identity.FileCatalog;
import io.drawbridge.identity.RoutedEntity;
import io.drawbridge.route.RouteDeclaration;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code drawbridge check --config FILE} (or {@code --dev}): loads the configuration, every route file, the
 * policies and the routes catalog files declare, and prints every problem as {@code file:line: field: message}.
 * Starts no listener and contacts nothing: Backstage, ConfigMaps and Kubernetes Services are named as not checked.
 * Exit 0 when clean, 2 when not.
 */
public final class CheckCommand {

    static final String USAGE = "usage: java -jar drawbridge.jar check (--config FILE | --dev)";

    private CheckCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err, Function<String, String> env) {
        Arguments args;
        Configurations.Loaded loaded;
        try {
            args = Arguments.parse(argv, Set.of("--config"), Set.of("--dev"));
            if (!args.positional().isEmpty()) {
                throw new Arguments.UsageError("unexpected " + args.positional().get(0));
            }
            loaded = Configurations.load(args, env);
        } catch (Arguments.UsageError e) {
            err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (InvalidConfiguration e) {
            e.problems().forEach(err::println);
            err.println(e.problems().size() + " problem(s): the gateway would refuse to start");
            return 2;
        }
        GatewayConfig config = loaded.config();
        List<ConfigProblem> problems = new ArrayList<>(RouteProblems.find(config, loaded.properties()));
        int catalogRoutes = catalogRoutes(config, problems, out);
        for (String location : config.routes()) {
            if (ConfigMapRef.isConfigMap(location)) {
                out.println("note: " + location + " not read (check contacts nothing)");
            }
        }
        if (!loaded.stoodIn().isEmpty()) {
            out.println("note: not set, checked with a stand-in value: " + String.join(", ", loaded.stoodIn()));
        }
        if (!problems.isEmpty()) {
            problems.forEach(err::println);
            err.println(problems.size() + " problem(s): the gateway would refuse to start");
            return 2;
        }
        String source = config.source() != null ? config.source().toString() : "the dev configuration";
        out.println("ok: " + source + ", " + config.routes().size() + " route location(s), "
                + config.policies().size() + " polic" + (config.policies().size() == 1 ? "y" : "ies")
                + (catalogRoutes > 0 ? ", " + catalogRoutes + " catalog route(s)" : ""));
        return 0;
    }

    /** Checks the routes declared in catalog files; a Backstage catalog is not contacted. */
    private static int catalogRoutes(GatewayConfig config, List<ConfigProblem> problems, PrintStream out) {
        if (config.catalog() == null) {
            return 0;
        }
        if (config.catalog().files() == null) {
            out.println("note: catalog-declared routes in Backstage not checked (check contacts nothing)");
            return 0;
        }
        List<RoutedEntity> entities;
        try {
            entities = FileCatalog.at(config.catalog().files()).routedEntities();
        } catch (CatalogUnavailable | IllegalArgumentException e) {
            problems.add(new ConfigProblem(config.catalog().files(), 0, "catalog.files", e.getMessage()));
            return 0;
        }
        int routes = 0;
        for (RoutedEntity entity : entities) {
            if (!entity.declaresRoute()) {
                continue;
            }
            try {
                RouteDeclaration.of(entity);
                routes++;
            } catch (RouteDeclaration.Invalid e) {
                problems.add(new ConfigProblem(config.catalog().files(), 0, entity.ref(), e.getMessage()));
            }
        }
        return routes;
    }
}
