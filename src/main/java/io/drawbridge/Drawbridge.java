package io.drawbridge;

import io.drawbridge.authn.IssuersCheck;
import io.drawbridge.config.CatalogCheck;
import io.drawbridge.config.ConfigLoader;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.InvalidConfiguration;
import io.drawbridge.dev.DevMode;
import io.drawbridge.policy.PolicyCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar drawbridge.jar [--dev] [--config drawbridge.yaml]}: loads the configuration, starts the
 * gateway, and stops it cleanly on SIGTERM or Ctrl-C. Exit status 2 means the configuration was refused.
 */
public final class Drawbridge {

    private static final String USAGE = """
            usage: java -jar drawbridge.jar [--config FILE]   run with FILE (default ./drawbridge.yaml)
                   java -jar drawbridge.jar --dev             run the embedded development setup on 127.0.0.1
            add --hawtio to serve the Hawtio console on the management port (http://127.0.0.1:8081/hawtio/)
            """;

    private Drawbridge() {
    }

    public static void main(String[] args) {
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
                default -> exit(2, "unknown argument " + args[i] + "\n" + USAGE);
            }
        }
        var loader = new ConfigLoader(System::getenv, List.of(new IssuersCheck(), new PolicyCheck(), new CatalogCheck()));
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
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
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
        return dev ? DevMode.start(config, changes, System.out) : Gateway.start(config, changes, java.util.Map.of(),
                List.of(), List.of());
    }

    private static GatewayConfig withHawtio(GatewayConfig config, boolean hawtio) {
        return hawtio ? config.withManagement(config.management().withHawtio(true)) : config;
    }

    private static void exit(int status, String message) {
        (status == 0 ? System.out : System.err).println(message.stripTrailing());
        System.exit(status);
    }
}
