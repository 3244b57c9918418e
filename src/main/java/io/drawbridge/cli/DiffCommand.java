package io.drawbridge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drawbridge.config.ConfigDuration;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.InvalidConfiguration;
import io.drawbridge.explain.DecisionReplay;
import io.drawbridge.explain.ServedRoute;
import io.drawbridge.identity.CatalogUnavailable;
import io.drawbridge.identity.FileCatalog;
import io.drawbridge.policy.Policies;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code drawbridge diff --config new.yaml --audit audit.jsonl [--since 7d] [--json]}: replays the recorded
 * requests of an audit log under the new configuration and lists every one whose decision would change,
 * allow→deny and deny→allow, grouped by route and subject with counts and an example request id. Exit 1 if
 * anything would change, 0 if not, 2 on a usage or configuration problem.
 */
public final class DiffCommand {

    static final String USAGE = "usage: java -jar drawbridge.jar diff (--config FILE | --dev) --audit FILE"
            + " [--since 7d] [--json]";

    private DiffCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err, Function<String, String> env) {
        Arguments args;
        Configurations.Loaded loaded;
        Path audit;
        Instant since;
        try {
            args = Arguments.parse(argv, Set.of("--config", "--audit", "--since"), Set.of("--dev", "--json"));
            if (args.value("--audit") == null) {
                throw new Arguments.UsageError("--audit FILE is needed: the audit log to replay");
            }
            audit = Path.of(args.value("--audit"));
            if (!Files.isReadable(audit)) {
                throw new Arguments.UsageError("--audit " + audit + ": cannot be read");
            }
            since = since(args.value("--since"));
            loaded = Configurations.load(args, env);
        } catch (Arguments.UsageError e) {
            err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (InvalidConfiguration e) {
            e.problems().forEach(err::println);
            err.println(e.problems().size() + " problem(s): run check for the whole list");
            return 2;
        }
        GatewayConfig config = loaded.config();
        List<ServedRoute> routes = Configurations.routes(loaded, args.flag("--dev"));
        boolean catalogRoutesKnown = config.catalog() == null;
        if (config.catalog() != null && config.catalog().files() != null) {
            try {
                routes.addAll(ServedRoute.declaredIn(FileCatalog.at(config.catalog().files())));
                catalogRoutesKnown = true;
            } catch (CatalogUnavailable e) {
                err.println("note: catalog files not read: " + e.getMessage());
            }
        }
        Policies policies = Policies.compile(config.policies(), (field, message) -> { });
        DecisionReplay.Result result;
        try (BufferedReader reader = Files.newBufferedReader(audit, StandardCharsets.UTF_8)) {
            result = new DecisionReplay(routes, policies, catalogRoutesKnown, since).replay(reader);
        } catch (IOException e) {
            err.println("--audit " + audit + ": " + e.getMessage());
            return 2;
        }
        if (args.flag("--json")) {
            out.println(json(result).toPrettyString());
        } else {
            text(result, out);
        }
        return result.changed() > 0 ? 1 : 0;
    }

    private static Instant since(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.now().minus(ConfigDuration.parse(text));
        } catch (IllegalArgumentException e) {
            throw new Arguments.UsageError("--since " + text + ": " + e.getMessage() + " (e.g. 7d, 12h)");
        }
    }

    private static void text(DecisionReplay.Result result, PrintStream out) {
        for (String direction : List.of("deny->allow", "allow->deny")) {
            var changes = result.changes().stream().filter(c -> c.direction().equals(direction)).toList();
            out.println(direction + ": " + changes.stream().mapToLong(DecisionReplay.Change::count).sum()
                    + " request(s)");
            for (var change : changes) {
                out.println("  route " + change.route() + ", subject " + change.subject() + ": " + change.count()
                        + " (e.g. request " + change.exampleRequestId() + ")");
            }
        }
        out.println("replayed " + result.replayed() + " of " + result.records() + " record(s); " + result.skipped()
                + " reached no policy (authentication, no route, events) or are older than --since");
        if (result.unreplayable() > 0) {
            out.println("not replayable: " + result.unreplayable());
            result.unreplayableWhy().forEach((why, n) -> out.println("  " + n + ": " + why));
        }
    }

    private static ObjectNode json(DecisionReplay.Result result) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("records", result.records()).put("replayed", result.replayed()).put("skipped", result.skipped())
                .put("changed", result.changed()).put("unreplayable", result.unreplayable());
        var changes = root.putArray("changes");
        for (var change : result.changes()) {
            changes.addObject().put("direction", change.direction()).put("route", change.route())
                    .put("subject", change.subject()).put("count", change.count())
                    .put("exampleRequestId", change.exampleRequestId());
        }
        var why = root.putObject("unreplayableWhy");
        result.unreplayableWhy().forEach(why::put);
        return root;
    }
}
