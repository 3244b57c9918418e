package io.drawbridge.deploy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.drawbridge.Reason;
import io.drawbridge.authn.IssuersCheck;
import io.drawbridge.config.CatalogCheck;
import io.drawbridge.config.ConfigLoader;
import io.drawbridge.config.ConfigProblem;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.config.InvalidConfiguration;
import io.drawbridge.policy.PolicyCheck;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The README and every page under docs/ stay true to the code: each YAML block parses, configuration blocks load
 * with every check (route blocks are {@link RouteSchemaTest}'s), relative links lead to files, the test classes
 * a page names exist, and the reference pages list every reason code and every configuration field.
 */
class DocsTest {

    /** A stand-in for every environment placeholder: a valid 32-byte base64 session key is valid anywhere. */
    private static final String STAND_IN = "Y2hlY2stc3RhbmQtaW4tdmFsdWUtMzItYnl0ZXMtISE=";
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern TEST_CLASS = Pattern.compile("\\b([A-Z][a-z][A-Za-z0-9]*(?:Test|IT))\\b");
    /** {@code edge/ResponseWriter}, {@code ResponseWriter} or {@code ErrorResponses.statusFor}: a class. */
    private static final Pattern CLASS_NAME =
            Pattern.compile("((?:[a-z]+/)*)([A-Z](?=[A-Za-z0-9]*[a-z])[A-Za-z0-9]+)(?:\\.[a-zA-Z]+)?");
    private static final Pattern REASON_ROW = Pattern.compile("(?m)^\\| `([^`]+)` \\|");

    /** One YAML block of a page. */
    record Block(String name, String yaml) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Path> pages() {
        return DeployFiles.markdownPages();
    }

    static List<Block> yamlBlocks() {
        List<Block> blocks = new ArrayList<>();
        for (Path page : pages()) {
            List<String> found = DeployFiles.yamlBlocks(DeployFiles.read(page));
            for (int n = 0; n < found.size(); n++) {
                blocks.add(new Block(name(page) + " yaml block " + (n + 1), found.get(n)));
            }
        }
        return blocks;
    }

    static List<Block> configurationBlocks() {
        return configurationBlocks(yamlBlocks());
    }

    /** Blocks with a top-level key that is a section of drawbridge.yaml: snippets a reader copies into it. */
    static List<Block> configurationBlocks(List<Block> blocks) {
        Set<String> sections = fieldNames(GatewayConfig.class);
        return blocks.stream().filter(block -> {
            JsonNode root = DeployFiles.parse(block.yaml());
            if (root == null || !root.isObject() || root.isEmpty()) {
                return false;
            }
            List<String> keys = new ArrayList<>();
            root.fieldNames().forEachRemaining(keys::add);
            return keys.stream().anyMatch(sections::contains);
        }).toList();
    }

    @ParameterizedTest
    @MethodSource("yamlBlocks")
    void everyYamlBlockParses(Block block) {
        assertThatCode(() -> DeployFiles.parse(block.yaml())).as(block.name()).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @MethodSource("configurationBlocks")
    void everyConfigurationBlockLoadsWithEveryCheck(Block block) {
        assertThat(problems(block)).as(block.name()).isEmpty();
    }

    @Test
    void aMisspelledSectionOrFieldIsFound() {
        assertThat(configurationBlocks(List.of(new Block("x", "isuers: []\npolicies: {}\n")))).hasSize(1);
        assertThat(problems(new Block("x", "issuers:\n  - nmae: corp\n"))).extracting(ConfigProblem::message)
                .anyMatch(m -> m.contains("unknown field 'nmae'"));
    }

    @Test
    void findsTheConfigurationBlocksOfTheGuides() {
        assertThat(configurationBlocks()).extracting(Block::name)
                .anyMatch(n -> n.startsWith("README.md"))
                .anyMatch(n -> n.startsWith("docs/guides/browser-sign-in.md"))
                .anyMatch(n -> n.startsWith("docs/guides/audit.md"));
    }

    @ParameterizedTest
    @MethodSource("pages")
    void everyRelativeLinkPointsToAFileThatExists(Path page) {
        assertThat(brokenLinks(page, DeployFiles.read(page))).as(name(page)).isEmpty();
    }

    @Test
    void aLinkToAMissingFileIsFound() {
        Path page = DeployFiles.project().resolve("docs/guides/example.md");
        String text = "[ok](../architecture.md#threads) [web](https://example.com/x) [anchor](#here)"
                + " [gone](../reference/nothing-here.md) [moved](../architecture.md#no-such-heading)";
        assertThat(brokenLinks(page, text))
                .containsExactly("../reference/nothing-here.md", "../architecture.md#no-such-heading");
    }

    @Test
    void anchorsAreThoseGitHubGivesHeadings() {
        assertThat(anchors("# Title\n## What `mvn verify` sets up\n```\n# not a heading\n```\n### TLS to upstreams\n"))
                .containsExactlyInAnyOrder("title", "what-mvn-verify-sets-up", "tls-to-upstreams");
    }

    @ParameterizedTest
    @MethodSource("pages")
    void everyTestClassAPageNamesExists(Path page) {
        Set<String> named = new TreeSet<>();
        Matcher m = TEST_CLASS.matcher(DeployFiles.read(page));
        while (m.find()) {
            named.add(m.group(1));
        }
        named.removeAll(testClasses());
        assertThat(named).as(name(page) + " names test classes that do not exist").isEmpty();
    }

    @Test
    void everyClassTheArchitecturePageNamesExists() {
        Map<String, List<Path>> sources = javaFiles("src/main/java");
        Set<String> tests = testClasses();
        Set<String> missing = new TreeSet<>();
        String page = DeployFiles.read(DeployFiles.project().resolve("docs/architecture.md"));
        Matcher code = Pattern.compile("`([^`\\s]+)`").matcher(page);
        while (code.find()) {
            Matcher name = CLASS_NAME.matcher(code.group(1));
            if (!name.matches() || tests.contains(name.group(2))) {
                continue;
            }
            String folder = name.group(1).isEmpty() ? "/" : "io/drawbridge/" + name.group(1);
            String suffix = folder + name.group(2) + ".java";
            if (sources.getOrDefault(name.group(2), List.of()).stream()
                    .noneMatch(p -> p.toString().replace('\\', '/').endsWith(suffix))) {
                missing.add(code.group(1));
            }
        }
        assertThat(missing).as("classes docs/architecture.md names that are not in src/main/java").isEmpty();
    }

    @Test
    void theReasonsPageListsEveryReasonCodeAndNoOther() {
        Set<String> listed = new TreeSet<>();
        Matcher row = REASON_ROW.matcher(DeployFiles.read(DeployFiles.project().resolve("docs/reference/reasons.md")));
        while (row.find()) {
            listed.add(row.group(1));
        }
        Set<String> codes = Arrays.stream(Reason.values()).map(Reason::code)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).as("codes listed in docs/reference/reasons.md").containsExactlyInAnyOrderElementsOf(codes);
    }

    @Test
    void theConfigurationReferenceNamesEveryField() {
        String reference = DeployFiles.read(DeployFiles.project().resolve("docs/reference/configuration.md"));
        Set<String> missing = new TreeSet<>();
        collectFields(GatewayConfig.class, "", missing, reference, new java.util.HashSet<>());
        assertThat(missing).as("fields missing from docs/reference/configuration.md").isEmpty();
    }

    /** What loading a block alone finds, with every check; files it names are on the reader's machine. */
    private static List<ConfigProblem> problems(Block block) {
        var loader = new ConfigLoader(name -> STAND_IN, List.of(new IssuersCheck(), new PolicyCheck(),
                new CatalogCheck()));
        try {
            loader.load(block.name(), new ByteArrayInputStream(block.yaml().getBytes(StandardCharsets.UTF_8)));
            return List.of();
        } catch (InvalidConfiguration e) {
            return e.problems().stream().filter(p -> !p.message().startsWith("cannot read /etc/")).toList();
        }
    }

    private static List<String> brokenLinks(Path page, String text) {
        List<String> broken = new ArrayList<>();
        Matcher link = LINK.matcher(text);
        while (link.find()) {
            String target = link.group(1);
            if (target.startsWith("#") || target.matches("^[a-z][a-z0-9+.-]*:.*")) {
                continue; // an anchor on the same page, or a URL
            }
            String file = target.replaceAll("#.*$", "");
            Path resolved = page.getParent().resolve(file).normalize();
            if (!Files.exists(resolved)) {
                broken.add(target);
            } else if (target.contains("#") && file.endsWith(".md")
                    && !anchors(DeployFiles.read(resolved)).contains(target.substring(target.indexOf('#') + 1))) {
                broken.add(target);
            }
        }
        return broken;
    }

    /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && line.matches("^#{1,6} .*")) {
                String text = line.replaceFirst("^#+ ", "").strip().toLowerCase(java.util.Locale.ROOT);
                anchors.add(text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    private static Set<String> testClasses() {
        return javaFiles("src/test/java").keySet();
    }

    /** The Java files under a source folder, by class name. */
    private static Map<String, List<Path>> javaFiles(String folder) {
        try (Stream<Path> files = Files.walk(DeployFiles.project().resolve(folder))) {
            return files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.groupingBy(p -> {
                String n = p.getFileName().toString();
                return n.substring(0, n.length() - ".java".length());
            }));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names drawbridge.yaml uses for a record's fields (as the configuration binder reads them). */
    private static Set<String> fieldNames(Class<?> record) {
        Set<String> names = new TreeSet<>();
        for (RecordComponent component : record.getRecordComponents()) {
            String name = yamlName(component);
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    private static void collectFields(Class<?> record, String prefix, Set<String> missing, String reference,
                                      Set<Class<?>> seen) {
        if (!seen.add(record)) {
            return;
        }
        for (RecordComponent component : record.getRecordComponents()) {
            String name = yamlName(component);
            if (name == null) {
                continue;
            }
            if (!Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(reference).find()) {
                missing.add(prefix + name);
            }
            Class<?> nested = recordIn(component.getGenericType());
            if (nested != null) {
                collectFields(nested, prefix + name + ".", missing, reference, seen);
            }
        }
    }

    private static String yamlName(RecordComponent component) {
        if (component.getAccessor().isAnnotationPresent(JsonIgnore.class)) {
            return null;
        }
        JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
        return renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName();
    }

    /** The record a field holds, directly or as the elements or values of a list or map; null for plain values. */
    private static Class<?> recordIn(Type type) {
        if (type instanceof Class<?> c) {
            return c.isRecord() ? c : null;
        }
        if (type instanceof ParameterizedType p) {
            Type[] args = p.getActualTypeArguments();
            return recordIn(args[args.length - 1]);
        }
        return null;
    }

    private static String name(Path page) {
        return DeployFiles.project().relativize(page).toString().replace('\\', '/');
    }
}
