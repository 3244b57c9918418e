package io.drawbridge.access;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store's contract on an in-memory H2 database, and what only the embedded H2 file store has to show. */
class JdbcAccessStoreTest extends AccessStoreContract {

    @Override
    AccessStore openStore() {
        return JdbcAccessStore.open("jdbc:h2:mem:" + AccessIds.random() + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    @Test
    void aFileDatabaseKeepsRequestsAndGrantsAcrossRestarts(@TempDir Path dir) {
        String url = "jdbc:h2:file:" + dir.resolve(".drawbridge/access").toAbsolutePath(); // folder made by H2
        String requestId;
        String grantId;
        try (AccessStore first = JdbcAccessStore.open(url, "sa", "")) {
            requestId = first.submit("grafana", BOB, Duration.ofHours(2), "why", T0, T0.plus(DAY), 5).id();
            grantId = first.approve(requestId, "alice", null, T0).id();
        }

        try (AccessStore again = JdbcAccessStore.open(url, "sa", "")) { // migrations run again: nothing to do
            assertThat(again.request(requestId).orElseThrow().state()).isEqualTo(RequestState.APPROVED);
            assertThat(again.activeGrants(T0.plusSeconds(1))).extracting(Grant::id).containsExactly(grantId);
        }
        assertThat(dir.resolve(".drawbridge/access.mv.db")).exists();
    }

    @Test
    void refusesUrlsOfOtherDatabases() {
        assertThatThrownBy(() -> JdbcAccessStore.open("jdbc:mysql://localhost/x", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void personKeysDoNotCollideByConcatenation() {
        assertThat(AccessIds.personKey("ab", "c")).isNotEqualTo(AccessIds.personKey("a", "bc"));
        assertThat(AccessIds.personKey("a", "b")).hasSize(64).isEqualTo(AccessIds.personKey("a", "b"));
    }
}
