package io.drawbridge.dev;

import io.drawbridge.testing.GatewayProcess;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --dev --config file} (and {@code --hawtio}): what the command line adds to the file's configuration, dev
 * mode's demo catalog and Hawtio, is not taken for an edit of the file when the file is read again.
 */
class DevModeWithConfigIT {

    private static final String RESTART = "these take effect at the next restart";

    @Test
    void aPolicyEditReloadsWithoutReportingWhatTheCommandLineAdded(@TempDir Path dir) throws Exception {
        String config;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(DevMode.CONFIG)) {
            config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(config).doesNotContain("catalog:").contains("audit:\n  file: .drawbridge/audit.jsonl");
        write(dir.resolve("drawbridge.yaml"), config);
        Files.createDirectories(dir.resolve("routes"));
        int port = GatewayProcess.freePort();
        try (var gateway = GatewayProcess.start(dir, port, List.of(),
                List.of("--dev", "--config", "drawbridge.yaml", "--hawtio"),
                Map.of("DRAWBRIDGE_DEV_PORT", String.valueOf(port)))) {
            assertThat(gateway.log()).contains("catalog: read"); // the demo catalog is in use

            write(dir.resolve("drawbridge.yaml"), config.replace("  public:\n", "  readers:\n    allow:\n"
                    + "      - users: [alice]\n  public:\n"));
            await("the policies are reloaded", () -> gateway.log().contains("policies reloaded"));
            assertThat(gateway.log()).contains("readers").doesNotContain(RESTART);

            write(dir.resolve("drawbridge.yaml"), config.replace(".drawbridge/audit.jsonl",
                    ".drawbridge/elsewhere.jsonl"));
            await("the audit change is reported", () -> gateway.log().contains(RESTART));
            assertThat(gateway.log()).contains("changed [audit]: " + RESTART);
        }
    }

    private static void write(Path target, String content) throws Exception {
        // Written beside and moved into place, as editors do.
        Path temp = Files.writeString(target.resolveSibling("." + target.getFileName() + ".tmp"), content);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
