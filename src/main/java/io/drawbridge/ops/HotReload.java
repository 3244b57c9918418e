package io.drawbridge.ops;

import io.drawbridge.audit.AuditSink;
import io.drawbridge.config.ConfigLoader;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.InvalidConfiguration;
import io.drawbridge.policy.Policies;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes without a restart: route files ({@code file:} patterns of {@code routes}) and the policies of
 * {@code drawbridge.yaml}. Folders are watched; a change is applied once the files have been quiet for a moment,
 * judged by content (so editors that save twice, and Kubernetes' symlink swap of a mounted ConfigMap, count once).
 * Invalid changes are refused, logged and audited, and the running configuration stays. Changes to other
 * sections of {@code drawbridge.yaml} (issuers, server, catalog...) are reported as needing a restart.
 */
public final class HotReload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HotReload.class);
    private static final long QUIET_MILLIS = 300;

    /** A folder and the file names in it that are route files. */
    private record RouteFolder(Path dir, PathMatcher names) {
    }

    private final List<RouteFolder> routeFolders = new ArrayList<>();
    private final Path configFile;
    private final ConfigLoader loader;
    private final UnaryOperator<GatewayConfig> changes;
    private final AtomicReference<Policies> policies;
    private final RouteFileReloader routes;
    private final AuditSink audit;
    private final Map<Path, String> seen = new HashMap<>();
    /** Route files whose current content was refused: tried again after each configuration reload. */
    private final Set<Path> refused = new HashSet<>();
    private GatewayConfig running;
    private WatchService watcher;
    private Thread thread;
    /** Bursts of events on watched files that led to a scan (events on other files never count). */
    private final AtomicInteger scans = new AtomicInteger();

    /**
     * @param config  the running configuration: the file's, with {@code changes} made
     * @param changes what the start made to the file's configuration (Hawtio on, dev mode's demo catalog), made
     *                again to each new reading of the file so that they are not taken for edits
     */
    public HotReload(GatewayConfig config, UnaryOperator<GatewayConfig> changes, ConfigLoader loader,
                     AtomicReference<Policies> policies, RouteFileReloader routes, AuditSink audit) {
        this.running = config;
        this.changes = changes;
        this.configFile = config.source() == null ? null : config.source().toAbsolutePath().normalize();
        this.loader = loader;
        this.policies = policies;
        this.routes = routes;
        this.audit = audit;
        for (String location : config.routes()) {
            if (location.startsWith("file:")) {
                addRouteLocation(location);
            }
        }
    }

    /** Watches one more {@code file:} route location, such as a ConfigMap's folder; call before {@link #start()}. */
    public void addRouteLocation(String location) {
        Path pattern = Path.of(location.substring(5)).toAbsolutePath().normalize();
        Path dir = pattern.getParent();
        String glob = pattern.getFileName().toString();
        routeFolders.add(new RouteFolder(dir, FileSystems.getDefault().getPathMatcher("glob:" + glob)));
    }

    public void start() {
        try {
            watcher = FileSystems.getDefault().newWatchService();
            for (RouteFolder folder : routeFolders) {
                if (Files.isDirectory(folder.dir())) {
                    folder.dir().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
                    for (Path file : routeFiles(folder)) {
                        seen.put(file, digest(file));
                    }
                }
            }
            if (configFile != null) {
                configFile.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
                seen.put(configFile, digest(configFile));
            }
        } catch (IOException e) {
            LOG.warn("hot reload is off: cannot watch the configuration folders ({})", e.getMessage());
            return;
        }
        thread = new Thread(this::watch, "drawbridge-reload");
        thread.setDaemon(true);
        thread.start();
        LOG.info("Watching {} for changes", describe());
        warnIfAuditFileIsWatched();
    }

    /**
     * The operating system watches folders, not files: an audit file beside the configuration wakes the watcher
     * on every record it writes (the events are ignored, but each costs a thread wake-up on a busy gateway).
     */
    private void warnIfAuditFileIsWatched() {
        String auditFile = running.audit() == null ? null : running.audit().file();
        if (auditFile == null) {
            return;
        }
        Path folder = Path.of(auditFile).toAbsolutePath().normalize().getParent();
        boolean watched = routeFolders.stream().anyMatch(f -> f.dir().equals(folder))
                || configFile != null && configFile.getParent().equals(folder);
        if (watched) {
            LOG.info("the audit file {} is in a folder hot reload watches: each audit write wakes the watcher"
                    + " (and is ignored); put the audit file in another folder", auditFile);
        }
    }

    /** How many times events on watched files led to a scan since {@link #start()}; for tests. */
    int scansAfterEvents() {
        return scans.get();
    }

    private String describe() {
        List<String> what = new ArrayList<>();
        routeFolders.forEach(f -> what.add(f.dir().toString()));
        if (configFile != null) {
            what.add(configFile.toString());
        }
        return what.toString();
    }

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (!relevant(watcher.take())) {
                    continue;
                }
                // Let a burst of writes settle, then act on what the files now hold. Only events on watched
                // files count: the audit log or a scratch file beside them never keeps a reload waiting.
                long quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);
                for (long left; (left = quietUntil - System.nanoTime()) > 0; ) {
                    WatchKey more = watcher.poll(left, TimeUnit.NANOSECONDS);
                    if (more != null && relevant(more)) {
                        quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);
                    }
                }
                scans.incrementAndGet();
                scan();
            } catch (InterruptedException e) {
                return;
            } catch (ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("hot reload failed; the running configuration stays", e);
            }
        }
    }

    /** Drains a key; true when one of its events names a watched file (or a ConfigMap volume's {@code ..data}). */
    private boolean relevant(WatchKey key) {
        Path dir = (Path) key.watchable();
        boolean relevant = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (!(event.context() instanceof Path name)) {
                relevant = true; // overflow: look at everything
                continue;
            }
            Path file = dir.resolve(name).toAbsolutePath().normalize();
            relevant |= name.toString().startsWith("..") || file.equals(configFile)
                    || routeFolders.stream().anyMatch(f -> f.dir().equals(dir) && f.names().matches(name));
        }
        key.reset();
        return relevant;
    }

    /**
     * Compares every watched file with what was last applied, and applies what changed: the configuration first,
     * so a route file that names a policy added in the same moment finds it. Route files refused earlier are
     * tried again after every configuration reload, since what they lacked (a policy) may have just arrived.
     */
    public synchronized void scan() {
        boolean configReloaded = false;
        if (configFile != null) {
            String now = digest(configFile);
            if (now != null && !now.equals(seen.get(configFile))) {
                seen.put(configFile, now);
                configReloaded = reloadPolicies();
            }
        }
        Set<Path> tried = new HashSet<>();
        for (RouteFolder folder : routeFolders) {
            Map<Path, String> now = new HashMap<>();
            for (Path file : routeFiles(folder)) {
                now.put(file, digest(file));
            }
            for (var entry : now.entrySet()) {
                if (!Objects.equals(seen.get(entry.getKey()), entry.getValue())) {
                    seen.put(entry.getKey(), entry.getValue());
                    apply(entry.getKey());
                    tried.add(entry.getKey());
                }
            }
            for (Path gone : new ArrayList<>(seen.keySet())) {
                if (gone.startsWith(folder.dir()) && !gone.equals(configFile) && !now.containsKey(gone)) {
                    routes.reload(gone, false);
                    seen.remove(gone);
                    refused.remove(gone);
                }
            }
        }
        if (configReloaded) {
            for (Path file : new ArrayList<>(refused)) {
                if (!tried.contains(file)) {
                    LOG.info("trying {} again after the configuration reload", file);
                    apply(file);
                }
            }
        }
    }

    /** Reloads one route file and remembers whether it was refused; a refused file waits for an edit or a reload. */
    private void apply(Path file) {
        if (routes.reload(file, true)) {
            refused.remove(file);
        } else {
            refused.add(file);
        }
    }

    /** Re-reads drawbridge.yaml; true when it was accepted (its policies, if changed, now apply). */
    private boolean reloadPolicies() {
        GatewayConfig next;
        try {
            next = changes.apply(loader.load(configFile));
        } catch (InvalidConfiguration e) {
            refuse(e.getMessage());
            return false;
        }
        List<String> needRestart = new ArrayList<>();
        compare(needRestart, "server", running.server(), next.server());
        compare(needRestart, "upstreams", running.upstreams(), next.upstreams());
        compare(needRestart, "issuers", running.issuers(), next.issuers());
        compare(needRestart, "identityHeaders", running.identityHeaders(), next.identityHeaders());
        compare(needRestart, "audit", running.audit(), next.audit());
        compare(needRestart, "routes", running.routes(), next.routes());
        compare(needRestart, "properties", running.properties(), next.properties());
        compare(needRestart, "catalog", running.catalog(), next.catalog());
        compare(needRestart, "assertion", running.assertion(), next.assertion());
        compare(needRestart, "management", running.management(), next.management());
        compare(needRestart, "kubernetes", running.kubernetes(), next.kubernetes());
        compare(needRestart, "logging", running.logging(), next.logging());
        compare(needRestart, "access", running.access(), next.access());
        if (!needRestart.isEmpty()) {
            LOG.warn("{} changed {}: these take effect at the next restart", configFile, needRestart);
        }
        if (!running.policies().equals(next.policies())) {
            List<String> problems = new ArrayList<>();
            Policies compiled = Policies.compile(next.policies(), (field, message) -> problems.add(field + ": " + message));
            if (!problems.isEmpty()) {
                refuse(String.join("; ", problems));
                return false;
            }
            policies.set(compiled);
            LOG.info("policies reloaded from {}: {}", configFile, compiled.names());
        }
        running = running.withPolicies(next.policies());
        return true;
    }

    private static void compare(List<String> changed, String section, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changed.add(section);
        }
    }

    private void refuse(String why) {
        LOG.warn("{} refused; the running configuration stays: {}", configFile, why);
        audit.accept(RouteFileReloader.rejected(configFile + ": " + why));
    }

    private static List<Path> routeFiles(RouteFolder folder) {
        if (!Files.isDirectory(folder.dir())) {
            return List.of();
        }
        try (var files = Files.list(folder.dir())) {
            return files.filter(f -> folder.names().matches(f.getFileName()) && Files.isRegularFile(f))
                    .map(f -> f.toAbsolutePath().normalize()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String digest(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
        try {
            if (watcher != null) {
                watcher.close();
            }
        } catch (IOException e) {
            LOG.debug("closing the watcher: {}", e.getMessage());
        }
    }
}
