package io.drawbridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The project's deployable files: routes/, kamelets/, deploy/, and the route examples of the README and docs/. */
final class DeployFiles {

    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    private DeployFiles() {
    }

    static Path project() {
        return Path.of(System.getProperty("drawbridge.project.dir", ".")).toAbsolutePath().normalize();
    }

    /** The YAML files of a project folder, sorted, failing when there are none (a moved folder must not pass). */
    static List<Path> yamlFiles(String folder) {
        try (Stream<Path> files = Files.list(project().resolve(folder))) {
            List<Path> found = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("no YAML files in " + folder);
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a (multi-document) YAML file. */
    static List<JsonNode> documents(Path file) {
        try (MappingIterator<JsonNode> docs = Schemas.YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            List<JsonNode> all = new ArrayList<>();
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    all.add(doc);
                }
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    static JsonNode parse(String yaml) {
        try {
            return Schemas.YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A route file's text and where it came from. */
    record RouteSource(String name, String yaml) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Every YAML route a user may copy: the files in routes/, the route files inside the ConfigMaps of deploy/
     * (their keys ending in .yaml whose text is a list of routes), and the yaml blocks of the README and docs/ that
     * are routes.
     */
    static List<RouteSource> routeSources() {
        List<RouteSource> sources = new ArrayList<>();
        for (Path file : yamlFiles("routes")) {
            sources.add(new RouteSource("routes/" + file.getFileName(), read(file)));
        }
        for (String folder : List.of("deploy/kubernetes", "deploy/camel-k")) {
            for (Path file : yamlFiles(folder)) {
                for (JsonNode doc : documents(file)) {
                    if (!doc.path("kind").asText().equals("ConfigMap")) {
                        continue;
                    }
                    doc.path("data").fields().forEachRemaining(entry -> {
                        if (entry.getKey().endsWith(".yaml") && entry.getValue().asText().contains("- route:")) {
                            sources.add(new RouteSource(folder + "/" + file.getFileName() + " "
                                    + doc.at("/metadata/name").asText() + "/" + entry.getKey(),
                                    entry.getValue().asText()));
                        }
                    });
                }
            }
        }
        for (Path page : markdownPages()) {
            String name = project().relativize(page).toString().replace('\\', '/');
            List<String> blocks = yamlBlocks(read(page));
            for (int n = 0; n < blocks.size(); n++) {
                if (blocks.get(n).stripLeading().startsWith("- route:")) {
                    sources.add(new RouteSource(name + " yaml block " + (n + 1), blocks.get(n)));
                }
            }
        }
        return sources;
    }

    /** The README and every Markdown page under docs/, sorted, failing when docs/ has none. */
    static List<Path> markdownPages() {
        List<Path> pages = new ArrayList<>();
        pages.add(project().resolve("README.md"));
        try (Stream<Path> files = Files.walk(project().resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (pages.size() < 2) {
            throw new IllegalStateException("no Markdown pages under docs/");
        }
        return pages;
    }

    /** The text of every {@code ```yaml} block of a Markdown page, in order. */
    static List<String> yamlBlocks(String markdown) {
        Matcher block = YAML_BLOCK.matcher(markdown);
        List<String> blocks = new ArrayList<>();
        while (block.find()) {
            blocks.add(block.group(1));
        }
        return blocks;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
