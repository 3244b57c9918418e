package io.drawbridge.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Hawtio's war, unpacked for Jetty without the libraries the gateway has its own of: Jolokia, SLF4J and Log4j.
 * The war's Jolokia 2.1.1 beside the gateway's made {@code /hawtio/jolokia} answer a {@code ClassCastException}
 * (the two versions' classes met in one request), and its SLF4J with a Log4j binding printed an error at start.
 * Without them, Jetty's web-app class loader finds the gateway's: one Jolokia, one logging setup. The one servlet
 * of the console that needs Jolokia 2.1 is replaced ({@link HawtioPlugins}).
 */
final class HawtioWar {

    /** What is left out: the war's Jolokia, SLF4J and Log4j, and Log4j's configuration. */
    static final Pattern LEFT_OUT = Pattern.compile(
            "WEB-INF/lib/(jolokia|slf4j|log4j)-[^/]*\\.jar|WEB-INF/classes/log4j2\\.properties");

    /** Jetty's override descriptor, written beside the war's {@code web.xml} (see {@link HawtioPlugins}). */
    static final String OVERRIDE = "WEB-INF/drawbridge-override-web.xml";

    private HawtioWar() {
    }

    /** Unpacks {@code war} into {@code dir} (emptied first), leaving out {@link #LEFT_OUT}; returns {@code dir}. */
    static Path unpack(InputStream war, Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        if (Files.exists(root)) {
            try (Stream<Path> old = Files.walk(root)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(root);
        try (var zip = new ZipInputStream(war)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (LEFT_OUT.matcher(entry.getName()).matches()) {
                    continue;
                }
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("the Hawtio war names a file outside it: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.createDirectories(root.resolve(OVERRIDE).getParent());
        Files.writeString(root.resolve(OVERRIDE), HawtioPlugins.OVERRIDE);
        return root;
    }
}
