package io.drawbridge.cli;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import io.drawbridge.authn.ClaimsIdentity;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.InvalidConfiguration;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.dev.DevIssuer;
import io.drawbridge.explain.ExplanationReport;
import io.drawbridge.explain.RequestExplainer;
import io.drawbridge.explain.RequestExplanation;
import io.drawbridge.explain.ServedRoute;
import io.drawbridge.identity.Catalog;
import io.drawbridge.identity.CatalogRoleSource;
import io.drawbridge.identity.CatalogUnavailable;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Policies;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * {@code drawbridge explain --config FILE --user alice [--group G]... [--email E] [--claim k=v]... [--token FILE]
 * [--offline] [--json] METHOD URL}: the route that would serve the request, each rule of its policy with why it
 * held or not, the catalog groups found (looked up live unless {@code --offline}), and the decision with its
 * reason code. Exit 0 when it would be allowed, 1 when denied, 2 on a usage or configuration problem.
 */
public final class ExplainCommand {

    static final String USAGE = "usage: java -jar drawbridge.jar explain (--config FILE | --dev) --user U"
            + " [--group G]... [--email E] [--claim k=v]... [--token FILE] [--offline] [--json] METHOD URL";

    private ExplainCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err, Function<String, String> env) {
        Arguments args;
        Configurations.Loaded loaded;
        Identity identity;
        try {
            args = Arguments.parse(argv, Set.of("--config", "--user", "--group", "--email", "--claim", "--token"),
                    Set.of("--dev", "--offline", "--json"));
            if (args.positional().size() != 2) {
                throw new Arguments.UsageError("explain needs METHOD and URL, such as GET http://127.0.0.1:8080/echo/");
            }
            loaded = Configurations.load(args, env);
            identity = identity(args, loaded.config());
        } catch (Arguments.UsageError e) {
            err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (InvalidConfiguration e) {
            e.problems().forEach(err::println);
            err.println(e.problems().size() + " problem(s): run check for the whole list");
            return 2;
        }
        GatewayConfig config = loaded.config();
        boolean offline = args.flag("--offline");
        List<String> notes = new ArrayList<>();
        if (args.value("--token") != null) {
            notes.add("the token's claims were read as given, not verified");
        }
        List<ServedRoute> routes = Configurations.routes(loaded, args.flag("--dev"));
        ExecutorService lookups = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "drawbridge-explain");
            t.setDaemon(true);
            return t;
        });
        try {
            CatalogRoleSource roles = null;
            if (config.catalog() != null && !offline) {
                Catalog catalog = Catalog.of(config.catalog());
                roles = new CatalogRoleSource(catalog, CatalogRoleSource.Options.of(config.catalog()), lookups,
                        Clock.systemUTC());
                try {
                    routes.addAll(ServedRoute.declaredIn(catalog));
                } catch (CatalogUnavailable e) {
                    notes.add("catalog-declared routes not read: " + e.getMessage());
                }
            } else if (config.catalog() != null) {
                notes.add("--offline: catalog-declared routes and catalog groups not looked up");
            }
            Policies policies = Policies.compile(config.policies(), (field, message) -> { });
            RequestExplanation explanation = new RequestExplainer(routes, policies, roles)
                    .explain(args.positional().get(0), args.positional().get(1), identity, offline);
            if (args.flag("--json")) {
                var json = ExplanationReport.json(explanation);
                notes.forEach(json.withArray("notes")::add);
                out.println(json.toPrettyString());
            } else {
                out.print(ExplanationReport.text(explanation));
                notes.forEach(note -> out.println("note      " + note));
            }
            return "allow".equals(explanation.outcome()) ? 0 : 1;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        } finally {
            lookups.shutdownNow();
        }
    }

    /** The caller from a token file's claims (not verified: an explanation proves nothing) or from options. */
    static Identity identity(Arguments args, GatewayConfig config) {
        List<String> groups = args.values("--group");
        Map<String, Object> claims = new HashMap<>();
        for (String claim : args.values("--claim")) {
            int eq = claim.indexOf('=');
            if (eq < 1) {
                throw new Arguments.UsageError("--claim takes name=value, not " + claim);
            }
            claims.merge(claim.substring(0, eq), claim.substring(eq + 1), (a, b) -> {
                List<Object> list = new ArrayList<>(a instanceof List<?> l ? l : List.of(a));
                list.add(b);
                return list;
            });
        }
        String tokenFile = args.value("--token");
        String issuerName = config.issuers().isEmpty() ? null : config.issuers().get(0).name();
        if (tokenFile != null) {
            Identity fromToken = fromToken(Path.of(tokenFile), config);
            Set<String> all = new LinkedHashSet<>(fromToken.groups());
            all.addAll(groups);
            Map<String, Object> merged = new HashMap<>(fromToken.claims());
            merged.putAll(claims);
            return new Identity(fromToken.subject(), args.value("--user") != null ? args.value("--user")
                    : fromToken.user(), args.value("--email") != null ? args.value("--email") : fromToken.email(),
                    all, fromToken.issuer(), fromToken.clientId(), merged, null);
        }
        String user = args.value("--user");
        var account = args.flag("--dev") && user != null ? DevIssuer.account(user) : null;
        if (account != null && account.isPresent() && groups.isEmpty() && args.value("--email") == null) {
            // dev mode's own users: the groups and e-mail its issuer puts in their tokens
            return new Identity(user, user, account.get().email(), new LinkedHashSet<>(account.get().groups()),
                    issuerName, null, claims, null);
        }
        if (user == null) {
            if (!groups.isEmpty() || args.value("--email") != null || !claims.isEmpty()) {
                throw new Arguments.UsageError("--group, --email and --claim need --user (or --token)");
            }
            return null;
        }
        return new Identity(user, user, args.value("--email"), new LinkedHashSet<>(groups), issuerName, null, claims,
                null);
    }

    private static Identity fromToken(Path file, GatewayConfig config) {
        JWTClaimsSet claims;
        try {
            claims = JWTParser.parse(Files.readString(file).strip()).getJWTClaimsSet();
        } catch (IOException e) {
            throw new Arguments.UsageError("--token " + file + ": cannot be read");
        } catch (ParseException e) {
            throw new Arguments.UsageError("--token " + file + ": not a JWT");
        }
        IssuerConfig issuer = config.issuers().stream().filter(i -> i.issuer().equals(claims.getIssuer()))
                .findFirst().orElse(null);
        if (issuer == null) {
            throw new Arguments.UsageError("--token: its issuer " + claims.getIssuer() + " is not configured");
        }
        return ClaimsIdentity.of(issuer, claims);
    }
}
