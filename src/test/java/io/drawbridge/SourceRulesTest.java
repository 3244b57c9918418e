package io.drawbridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * House rules of the main sources that no compiler checks: every package says why it exists
 * ({@code package-info.java}), and code names types by import, not inline by their full name. A full name stays
 * only where two types of one simple name meet in a file (the other one imported).
 */
class SourceRulesTest {

    private static final Path MAIN = Path.of(System.getProperty("drawbridge.project.dir", "."), "src/main/java");
    private static final Pattern QUALIFIED =
            Pattern.compile("(?<![\\w.])((?:java|javax|io|org|com)\\.(?:[a-z_]\\w*\\.)+)([A-Z]\\w*)");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?([\\w.]+)\\.(\\w+);");

    @Test
    void everyPackageHasAPackageInfo() throws IOException {
        List<Path> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            files.filter(f -> f.toString().endsWith(".java")).map(Path::getParent).distinct()
                    .filter(dir -> !Files.exists(dir.resolve("package-info.java")))
                    .forEach(dir -> missing.add(MAIN.relativize(dir)));
        }
        assertThat(missing).as("packages without package-info.java").isEmpty();
    }

    @Test
    void codeNamesTypesByImportNotByTheirFullName() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                found.addAll(inlineNames(file));
            }
        }
        assertThat(found).as("inline fully qualified names (import them)").isEmpty();
    }

    /** The full names written in code (not in comments, strings, imports or the package line) without a clash. */
    static List<String> inlineNames(Path file) throws IOException {
        String source = Files.readString(file);
        Map<String, String> imported = new HashMap<>();
        Matcher imports = IMPORT.matcher(source);
        while (imports.find()) {
            imported.put(imports.group(2), imports.group(1));
        }
        String code = codeOnly(source).replaceAll("(?m)^(import|package) [^\\n]*", "");
        List<String> found = new ArrayList<>();
        Matcher m = QUALIFIED.matcher(code);
        while (m.find()) {
            String qualifier = m.group(1).substring(0, m.group(1).length() - 1);
            String other = imported.get(m.group(2));
            if (other == null || other.equals(qualifier)) {
                long line = code.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                found.add(MAIN.relativize(file) + ":" + line + ": " + m.group());
            }
        }
        return found;
    }

    /** The source with comments and string, text block and char literals blanked (newlines kept for line numbers). */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            int end;
            if (source.startsWith("//", i)) {
                end = source.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (source.startsWith("/*", i)) {
                end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i);
                end = i + 1;
                while (end < n && source.charAt(end) != quote && source.charAt(end) != '\n') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, n);
            } else {
                out.append(source.charAt(i++));
                continue;
            }
            for (int j = i; j < end; j++) {
                out.append(source.charAt(j) == '\n' ? '\n' : ' ');
            }
            i = end;
        }
        return out.toString();
    }
}
