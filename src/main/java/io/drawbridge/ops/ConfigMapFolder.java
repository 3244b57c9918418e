package io.drawbridge.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A ConfigMap's route keys as files in a folder of their own, so that they load, reload and are refused exactly
 * like route files on disk. Each file is replaced atomically (written beside it, then renamed over it): the
 * watcher never reads half a file. Keys not named {@code *.yaml} are left out.
 */
final class ConfigMapFolder {

    /** A ConfigMap key that is a route file; a leading dot is for the folder's own temporary files. */
    private static final Pattern ROUTE_KEY = Pattern.compile("[A-Za-z0-9][-_.A-Za-z0-9]*\\.yaml");

    private final Path dir;

    ConfigMapFolder(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** The route location Camel and the hot reload read it from. */
    String location() {
        return "file:" + dir + "/*.yaml";
    }

    Path dir() {
        return dir;
    }

    /**
     * Makes the folder hold exactly the route keys of {@code data}: changed keys rewritten, new ones added, the
     * files of removed keys deleted.
     *
     * @return the keys written or deleted; empty when nothing changed
     */
    synchronized List<String> write(Map<String, String> data) {
        List<String> changed = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (var entry : data.entrySet()) {
                if (!ROUTE_KEY.matcher(entry.getKey()).matches()) {
                    continue;
                }
                Path file = dir.resolve(entry.getKey());
                byte[] content = entry.getValue() == null ? new byte[0]
                        : entry.getValue().getBytes(StandardCharsets.UTF_8);
                if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), content)) {
                    continue;
                }
                Path temporary = dir.resolve("." + entry.getKey() + ".tmp");
                Files.write(temporary, content);
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                changed.add(entry.getKey());
            }
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    String name = file.getFileName().toString();
                    if (ROUTE_KEY.matcher(name).matches() && !data.containsKey(name)) {
                        Files.delete(file);
                        changed.add(name);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the routes folder " + dir + ": " + e.getMessage(), e);
        }
        return changed;
    }
}
