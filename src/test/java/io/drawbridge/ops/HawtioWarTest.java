package io.drawbridge.ops;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The console is unpacked without a Jolokia, SLF4J or Log4j of its own, and never outside its folder. */
class HawtioWarTest {

    @Test
    void theConsoleKeepsItsOwnClassesAndLeavesOutWhatTheGatewayHas(@TempDir Path dir) throws Exception {
        Path console;
        try (InputStream war = getClass().getClassLoader().getResourceAsStream("hawtio/hawtio.war")) {
            console = HawtioWar.unpack(war, dir.resolve("console"));
        }
        try (var libs = Files.list(console.resolve("WEB-INF/lib"))) {
            assertThat(libs.map(p -> p.getFileName().toString()).toList())
                    .anyMatch(name -> name.startsWith("hawtio-system-"))
                    .noneMatch(name -> name.matches("(jolokia|slf4j|log4j)-.*"));
        }
        assertThat(console.resolve("WEB-INF/web.xml")).exists();
        assertThat(console.resolve("WEB-INF/classes/log4j2.properties")).doesNotExist();
        assertThat(Files.readString(console.resolve(HawtioWar.OVERRIDE))).contains(HawtioPlugins.class.getName());
    }

    @Test
    void unpackingAgainEmptiesTheFolderFirst(@TempDir Path dir) throws Exception {
        Path console = HawtioWar.unpack(war("index.html"), dir.resolve("console"));
        Files.writeString(console.resolve("stale.js"), "old");

        HawtioWar.unpack(war("index.html"), console);

        assertThat(console.resolve("stale.js")).doesNotExist();
        assertThat(console.resolve("index.html")).exists();
    }

    @Test
    void refusesAnEntryNamingAFileOutsideTheFolder(@TempDir Path dir) {
        assertThatThrownBy(() -> HawtioWar.unpack(war("../escaped.txt"), dir.resolve("console")))
                .isInstanceOf(IOException.class).hasMessageContaining("outside");
        assertThat(dir.resolve("escaped.txt")).doesNotExist();
    }

    private static InputStream war(String... names) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            for (String name : names) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write("x".getBytes());
                zip.closeEntry();
            }
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }
}
