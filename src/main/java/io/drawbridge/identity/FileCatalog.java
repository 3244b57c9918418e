package io.drawbridge.identity;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog as {@code catalog-info.yaml} files: multi-document YAML of Backstage entities ({@code User},
 * {@code Group}, {@code Component}, {@code Resource}; other kinds are allowed and not read). The embedded catalog
 * for dev mode and for installations without a Backstage.
 *
 * <p>The location is a file, a folder (its {@code *.yaml} and {@code *.yml}), a glob ({@code /etc/catalog/*.yaml},
 * {@code **} for any depth) or a {@code classpath:} resource. Files are checked for changes (time and size) at most
 * once a second, at the next question, and changed files are read again. Like Backstage, a file that becomes
 * invalid keeps the entities it had; unlike a lenient reader, a file that was never valid (or no file at all)
 * makes the catalog unavailable, because leaving its groups out could let a caller past a deny rule.
 */
public final class FileCatalog implements Catalog {

    private static final Logger LOG = LoggerFactory.getLogger(FileCatalog.class);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final String CLASSPATH = "classpath:";
    private static final long MAX_FILE_SIZE = 16L << 20;
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final String location;
    private final Clock clock;
    private Map<Path, FileState> files = Map.of();  // guarded by this
    private CatalogEntities entities;               // guarded by this; null when unavailable
    private String failure = "not read yet";        // guarded by this
    private Instant checkedAt;                      // guarded by this

    private FileCatalog(String location, Clock clock) {
        this.location = location;
        this.clock = clock;
    }

    public static FileCatalog at(String location) {
        return at(location, Clock.systemUTC());
    }

    /** @param clock when changes are looked for (at most every {@link #CHECK_INTERVAL}) */
    static FileCatalog at(String location, Clock clock) {
        return new FileCatalog(location, clock);
    }

    @Override
    public Optional<CatalogUser> userByEmail(String email) {
        return current().userByEmail(email);
    }

    @Override
    public Optional<CatalogUser> userByName(String name) {
        return current().userByName(name);
    }

    @Override
    public Map<String, Set<String>> parentsOf(Set<String> groupRefs) {
        CatalogEntities now = current();
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        groupRefs.forEach(ref -> parents.put(ref, now.parentsOf(ref)));
        return parents;
    }

    @Override
    public List<RoutedEntity> routedEntities() {
        return current().routedEntities();
    }

    @Override
    public String toString() {
        return "FileCatalog[" + location + "]";
    }

    private synchronized CatalogEntities current() {
        Instant now = clock.instant();
        if (checkedAt == null || !now.isBefore(checkedAt.plus(CHECK_INTERVAL))) {
            checkedAt = now;
            reload();
        }
        if (entities == null) {
            throw new CatalogUnavailable("catalog " + location + ": " + failure);
        }
        return entities;
    }

    private void reload() {
        if (location.startsWith(CLASSPATH)) {
            if (entities == null) {
                readResource(location.substring(CLASSPATH.length()));
            }
            return;
        }
        List<Path> paths;
        try {
            paths = list(location);
        } catch (IOException | RuntimeException e) {
            unavailable("cannot list the files: " + e.getMessage());
            return;
        }
        if (paths.isEmpty()) {
            unavailable("no catalog file matches");
            return;
        }
        Map<Path, FileState> next = new LinkedHashMap<>();
        boolean changed = entities == null || !paths.equals(List.copyOf(files.keySet()));
        for (Path path : paths) {
            FileState previous = files.get(path);
            FileState state = FileState.of(path, previous);
            changed |= state != previous;
            next.put(path, state);
        }
        if (!changed) {
            return;
        }
        files = next;
        List<JsonNode> all = new ArrayList<>();
        for (Map.Entry<Path, FileState> file : next.entrySet()) {
            if (file.getValue().entities() == null) {
                unavailable(file.getKey() + ": " + file.getValue().problem());
                return;
            }
            all.addAll(file.getValue().entities());
        }
        entities = new CatalogEntities(all);
        LOG.info("catalog: read {} entities from {} file(s) of {}", all.size(), next.size(), location);
    }

    private void readResource(String resource) {
        try (InputStream in = FileCatalog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                unavailable("no such resource on the class path");
                return;
            }
            entities = new CatalogEntities(parse(in.readAllBytes()));
        } catch (IOException | IllegalArgumentException e) {
            unavailable(e.getMessage());
        }
    }

    private void unavailable(String why) {
        if (entities != null || !why.equals(failure)) {
            LOG.error("catalog {} is unavailable: {}", location, why);
        }
        entities = null;
        failure = why;
    }

    /** Every entity of a YAML stream, each checked as Backstage would; empty documents are skipped. */
    static List<JsonNode> parse(byte[] yaml) throws IOException {
        List<JsonNode> entities = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (documents.hasNextValue()) {
                JsonNode entity = documents.nextValue();
                index++;
                if (entity == null || entity.isNull() || entity.isMissingNode()) {
                    continue;
                }
                try {
                    CatalogEntities.check(entity);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("document " + index + ": " + e.getMessage());
                }
                entities.add(entity);
            }
        } catch (RuntimeException e) { // Jackson wraps parse errors met while iterating
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
        return entities;
    }

    /** The files a location names, sorted. */
    static List<Path> list(String location) throws IOException {
        int glob = firstGlobSegment(location);
        Path path = Path.of(location).toAbsolutePath().normalize();
        if (glob < 0) {
            if (!Files.isDirectory(path)) {
                return List.of(path); // a missing file is reported when it is read
            }
            try (Stream<Path> children = Files.list(path)) {
                return children.filter(p -> Files.isRegularFile(p) && p.toString().matches(".*\\.ya?ml"))
                        .sorted().toList();
            }
        }
        String[] segments = location.split("/", -1);
        String baseText = String.join("/", Arrays.copyOf(segments, glob));
        Path base = Path.of(baseText.isEmpty() ? (location.startsWith("/") ? "/" : ".") : baseText)
                .toAbsolutePath().normalize();
        String pattern = base.toString().replace("\\", "\\\\") + "/" + String.join("/",
                Arrays.copyOfRange(segments, glob, segments.length));
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int depth = location.contains("**") ? Integer.MAX_VALUE : segments.length - glob;
        if (!Files.isDirectory(base)) {
            throw new IOException("no folder " + base);
        }
        try (Stream<Path> found = Files.walk(base, depth)) {
            return found.filter(p -> Files.isRegularFile(p) && matcher.matches(p)).sorted().toList();
        }
    }

    private static int firstGlobSegment(String location) {
        String[] segments = location.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
                return i;
            }
        }
        return -1;
    }

    /** One file as last read: its time and size, and its entities or why it has none. */
    private record FileState(Instant modified, long size, List<JsonNode> entities, String problem) {

        /** The previous state when the file has not changed, else the file read again. */
        static FileState of(Path path, FileState previous) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(path, BasicFileAttributes.class);
            } catch (IOException e) {
                return new FileState(null, -1, null, "cannot be read: " + e);
            }
            Instant modified = attributes.lastModifiedTime().toInstant();
            long size = attributes.size();
            if (previous != null && modified.equals(previous.modified) && size == previous.size) {
                return previous;
            }
            try {
                if (size > MAX_FILE_SIZE) {
                    throw new IOException("larger than " + (MAX_FILE_SIZE >> 20) + " MiB");
                }
                return new FileState(modified, size, parse(Files.readAllBytes(path)), null);
            } catch (IOException | IllegalArgumentException e) {
                String problem = e.getMessage();
                if (previous != null && previous.entities != null) {
                    LOG.warn("catalog file {} is invalid, its previous entities stay: {}", path, problem);
                    return new FileState(modified, size, previous.entities, problem);
                }
                return new FileState(modified, size, null, problem);
            }
        }
    }
}
