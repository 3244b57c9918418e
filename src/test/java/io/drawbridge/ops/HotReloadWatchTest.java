package io.drawbridge.ops;

import io.drawbridge.audit.AuditRecord;
import io.drawbridge.audit.AuditSink;
import io.drawbridge.config.ConfigLoader;
import io.drawbridge.config.GatewayConfig;
import io.drawbridge.policy.Policies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watcher acts on configuration files only: an audit file written beside {@code drawbridge.yaml} (the
 * folder the operating system watches) never leads to a scan, while an edit of the configuration does.
 */
class HotReloadWatchTest {

    private static String config(Path dir, String group) {
        return """
                policies:
                  team:
                    allow:
                      - groups: [%s]
                routes: []
                audit:
                  file: %s
                """.formatted(group, dir.resolve("audit.jsonl"));
    }

    @Test
    void auditWritesBesideTheConfigurationTriggerNoReloadWhileAConfigurationEditDoes(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("drawbridge.yaml");
        Files.writeString(file, config(dir, "sre"));
        ConfigLoader loader = new ConfigLoader(name -> null, List.of());
        GatewayConfig config = loader.load(file);
        var policies = new AtomicReference<>(Policies.compile(config.policies(), (field, message) -> { }));
        AuditSink audit = new AuditSink() {
            @Override
            public void accept(AuditRecord record) {
            }

            @Override
            public void close() {
            }
        };
        Policies before = policies.get();
        try (HotReload reload = new HotReload(config, c -> c, loader, policies, null, audit)) {
            reload.start();
            Path auditFile = dir.resolve("audit.jsonl");
            for (int i = 0; i < 40; i++) {
                Files.writeString(auditFile, "{\"record\":" + i + "}\n", StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                Thread.sleep(10);
            }
            Thread.sleep(800); // longer than the quiet period a reload waits for
            assertThat(reload.scansAfterEvents()).isZero();
            assertThat(policies.get()).isSameAs(before);

            Files.writeString(file, config(dir, "platform"));
            long until = System.currentTimeMillis() + 10_000;
            while (policies.get() == before && System.currentTimeMillis() < until) {
                Thread.sleep(20);
            }
            assertThat(reload.scansAfterEvents()).isEqualTo(1);
            assertThat(policies.get()).isNotSameAs(before);
        }
    }
}
