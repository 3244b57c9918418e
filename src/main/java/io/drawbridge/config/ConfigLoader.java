package io.drawbridge.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@code drawbridge.yaml}: parses it, replaces environment placeholders, binds every section, and runs the
 * built-in checks and then the caller's. A configuration with any problem is refused as a whole: the
 * {@link InvalidConfiguration} lists every problem found, each with its file, line and field.
 *
 * <pre>{@code
 * GatewayConfig config = new ConfigLoader(System::getenv, List.of(issuerCheck, policyCheck))
 *         .load(Path.of("drawbridge.yaml"));
 * }</pre>
 */
public final class ConfigLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    /** The sections no other stage owns; issuers and policies are checked by the stages that use them. */
    static final List<ConfigCheck> BUILT_IN = List.of(
            new ServerCheck(), new UpstreamsCheck(), new IdentityHeadersCheck(), new AuditCheck(), new RoutesCheck(),
            new PropertiesCheck(), new AssertionCheck(), new ManagementCheck(), new LoginCheck(),
            new KubernetesCheck(), new LoggingCheck(), new AccessCheck());

    private final Function<String, String> environment;
    private final List<ConfigCheck> checks;

    /** Placeholders from the process environment; the built-in checks only. */
    public ConfigLoader() {
        this(System::getenv, List.of());
    }

    /**
     * @param environment looks up {@code ${NAME}} placeholders; {@code null} for an unset variable
     * @param checks      run after the built-in checks, in order, on the bound configuration
     */
    public ConfigLoader(Function<String, String> environment, List<ConfigCheck> checks) {
        this.environment = environment;
        this.checks = List.copyOf(checks);
    }

    /** @throws InvalidConfiguration when the file is missing, unreadable or has any problem */
    public GatewayConfig load(Path file) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw fileProblem(name, "is a directory, not a configuration file");
        }
        try (InputStream yaml = Files.newInputStream(file)) {
            return load(name, yaml).withSource(file);
        } catch (NoSuchFileException e) {
            throw fileProblem(name, "no such file (working directory: " + Path.of("").toAbsolutePath() + ")");
        } catch (AccessDeniedException e) {
            throw fileProblem(name, "cannot be read: permission denied");
        } catch (IOException e) {
            throw fileProblem(name, "cannot be read: " + e.getMessage());
        }
    }

    /**
     * @param displayName how problems name the source, e.g. {@code classpath:drawbridge-dev.yaml}
     * @throws InvalidConfiguration when the YAML has any problem
     */
    public GatewayConfig load(String displayName, InputStream yaml) {
        LocatedProblems problems = new LocatedProblems(displayName);
        ObjectNode root = YamlTree.read(yaml, problems);
        if (root == null) {
            throw problems.toException();
        }
        if (root.isEmpty()) {
            LOG.warn("{} sets nothing: every section takes its defaults", displayName);
        }
        SecretFields.check(root, problems.forChecks());
        new EnvironmentPlaceholders(environment, problems).resolve(root);
        GatewayConfig config = new RecordBinder(problems).bindRoot(GatewayConfig.class, root);
        Problems reported = problems.forChecks();
        List<ConfigCheck> all = new ArrayList<>(BUILT_IN);
        all.addAll(checks);
        for (ConfigCheck check : all) {
            try {
                check.check(config, reported);
            } catch (RuntimeException e) {
                // A broken check must not hide what the others found.
                problems.add(LocatedProblems.FILE, check.getClass().getName() + " failed: " + e);
            }
        }
        if (!problems.isEmpty()) {
            throw problems.toException();
        }
        return config;
    }

    private static InvalidConfiguration fileProblem(String file, String message) {
        return new InvalidConfiguration(List.of(new ConfigProblem(file, 0, LocatedProblems.FILE, message)));
    }
}
