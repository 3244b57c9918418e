package io.drawbridge;

import io.drawbridge.cli.CheckCommand;
import io.drawbridge.cli.DiffCommand;
import io.drawbridge.cli.ExplainCommand;
import io.drawbridge.config.ConfigLoader;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.InvalidConfiguration;
import io.drawbridge.dev.DevMode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar drawbridge.jar [--dev] [--config drawbridge.yaml]}: loads the configuration, starts the
 * gateway, and stops it cleanly on SIGTERM or Ctrl-C. Exit status 2 means the configuration was refused. The
 * commands {@code check}, {@code explain} and {@code diff} run instead when named first ({@code --help}).
 */
public final class Drawbridge {

    private static final String USAGE = """
            usage: java -jar drawbridge.jar [COMMAND] [OPTIONS]

              --config FILE              run the gateway with FILE (default ./drawbridge.yaml)
              --dev                      run the development setup on 127.0.0.1 (demo users, echo upstream, catalog)
              --dev --config FILE        dev mode's issuer, echo upstream and demo catalog around FILE
              --hawtio                   with either: serve the Hawtio console on the management port (/hawtio/)
              check --config FILE        every problem of FILE, its routes, policies, catalog files; exit 0 or 2
              explain --config FILE --user U [--group G]... METHOD URL   which route and rule decide it, and why
              diff --config FILE --audit FILE [--since 7d]   recorded decisions FILE would change; exit 1 if any
              --version                  print the version
              -h, --help                 print this help

            check, explain and diff take --dev instead of --config; explain also --email E, --claim k=v,
            --token FILE, --offline and --json; diff also --json. Exit 2: a usage or configuration problem.
            """;

    private Drawbridge() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && List.of("check", "explain", "diff").contains(args[0])) {
            quietLogs(); // a command's output is its answer; the stages' start-up notes would drown it
        }
        if (args.length > 0) {
            List<String> rest = Arrays.asList(args).subList(1, args.length);
            switch (args[0]) {
                case "check" -> exitQuietly(CheckCommand.run(rest, System.out, System.err,
                        System::getenv));
                case "explain" -> exitQuietly(ExplainCommand.run(rest, System.out, System.err,
                        System::getenv));
                case "diff" -> exitQuietly(DiffCommand.run(rest, System.out, System.err,
                        System::getenv));
                case "--version", "version" -> exit(0, "drawbridge " + version());
                default -> {
                    // the gateway itself, below
                }
            }
        }
        boolean dev = false;
        boolean hawtio = false;
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dev" -> dev = true;
                case "--hawtio" -> hawtio = true;
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        exit(2, "--config needs a file\n" + USAGE);
                    }
                    configFile = Path.of(args[++i]);
                }
                case "-h", "--help" -> exit(0, USAGE);
                case "--version" -> exit(0, "drawbridge " + version());
                default -> exit(2, "unknown argument " + args[i] + "\n" + USAGE);
            }
        }
        var loader = ConfigChecks.loader(System::getenv);
        // The hook is in place before anything starts: a SIGTERM during startup waits for the start to finish,
        // then closes what started, and the process ends either way.
        var running = new AtomicReference<Gateway>();
        var stopped = new CountDownLatch(1);
        Object lifecycle = new Object();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (lifecycle) {
                Gateway started = running.get();
                if (started != null) {
                    started.close();
                }
                stopped.countDown();
            }
        }, "drawbridge-shutdown"));
        String refusal = null;
        int status = 0;
        synchronized (lifecycle) { // never System.exit in here: the hook needs this lock
            if (stopped.getCount() == 0) {
                return;
            }
            try {
                running.set(start(loader, dev, configFile, hawtio));
            } catch (NoConfiguration e) {
                status = 2;
                refusal = e.getMessage() + "\n" + USAGE;
            } catch (InvalidConfiguration e) {
                status = 2;
                refusal = "drawbridge: refusing to start: " + e.getMessage();
            } catch (Gateway.StartupFailure e) {
                status = 1;
                refusal = "drawbridge: cannot start: " + e.getMessage();
            }
        }
        if (refusal != null) {
            exit(status, refusal);
            return;
        }
        LoggerFactory.getLogger(Drawbridge.class).info("Drawbridge started in {} ms",
                ManagementFactory.getRuntimeMXBean().getUptime());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class NoConfiguration extends RuntimeException {
        NoConfiguration(String message) {
            super(message);
        }
    }

    private static Gateway start(ConfigLoader loader, boolean dev, Path configFile, boolean hawtio) {
        if (dev && configFile == null) {
            return DevMode.start(withHawtio(DevMode.config(loader), hawtio), System.out);
        }
        Path file = configFile != null ? configFile : Path.of("drawbridge.yaml");
        if (!Files.exists(file)) {
            throw new NoConfiguration("no configuration: " + file + " does not exist");
        }
        UnaryOperator<GatewayConfig> changes = c -> withHawtio(c, hawtio); // made again on every reload of the file
        GatewayConfig config = changes.apply(loader.load(file));
        return dev ? DevMode.start(config, changes, System.out) : Gateway.start(config, changes, Map.of(),
                List.of(), List.of());
    }

    private static GatewayConfig withHawtio(GatewayConfig config, boolean hawtio) {
        return hawtio ? config.withManagement(config.management().withHawtio(true)) : config;
    }

    /** The jar's version (its manifest), or "development build" when run from classes. */
    static String version() {
        String version = Drawbridge.class.getPackage().getImplementationVersion();
        return version != null ? version : "development build";
    }

    private static void quietLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) {
            for (String name : List.of("io.drawbridge", "org.apache.camel")) {
                logs.getLogger(name).setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
    }

    private static void exitQuietly(int status) {
        System.out.flush();
        System.exit(status);
    }

    private static void exit(int status, String message) {
        (status == 0 ? System.out : System.err).println(message.stripTrailing());
        System.exit(status);
    }
}
