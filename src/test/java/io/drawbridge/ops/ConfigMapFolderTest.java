package io.drawbridge.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A ConfigMap's route keys as files: written when changed, deleted when gone, other keys and files left alone. */
class ConfigMapFolderTest {

    @TempDir
    Path dir;

    @Test
    void writesTheYamlKeysOnly() throws Exception {
        var folder = new ConfigMapFolder(dir.resolve("cm"));

        var changed = folder.write(Map.of("a.yaml", "- route: a", "README", "not a route", "b.yml", "no",
                ".hidden.yaml", "no"));

        assertThat(changed).containsExactly("a.yaml");
        try (var files = Files.list(dir.resolve("cm"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("a.yaml");
        }
        assertThat(Files.readString(dir.resolve("cm/a.yaml"))).isEqualTo("- route: a");
        assertThat(folder.location()).isEqualTo("file:" + dir.resolve("cm").toAbsolutePath() + "/*.yaml");
    }

    @Test
    void rewritesOnlyWhatChangedAndDeletesRemovedKeys() throws Exception {
        var folder = new ConfigMapFolder(dir);
        folder.write(Map.of("a.yaml", "1", "b.yaml", "2", "c.yaml", "3"));
        Files.writeString(dir.resolve("notes.txt"), "an operator's file");

        var changed = folder.write(Map.of("a.yaml", "1", "b.yaml", "2 changed"));

        assertThat(changed).containsExactlyInAnyOrder("b.yaml", "c.yaml");
        assertThat(Files.readString(dir.resolve("b.yaml"))).isEqualTo("2 changed");
        assertThat(dir.resolve("c.yaml")).doesNotExist();
        assertThat(dir.resolve("notes.txt")).exists();
        assertThat(folder.write(Map.of("a.yaml", "1", "b.yaml", "2 changed"))).isEmpty();
    }

    @Test
    void leavesNoTemporaryFilesBehind() throws Exception {
        var folder = new ConfigMapFolder(dir);

        folder.write(Map.of("a.yaml", "x".repeat(100_000)));
        folder.write(Map.of("a.yaml", "y"));

        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("a.yaml");
        }
    }
}
