package io.drawbridge.access;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The expiry sweep: overdue requests handed to the callback once, the open count kept, a dead store survived. */
class UnansweredRequestsTest {

    private static final Requester BOB = new Requester("keycloak", "bob-sub", "bob", null);

    private final TestClock clock = new TestClock();
    private final List<AccessRequest> expired = new CopyOnWriteArrayList<>();
    private SwitchableStore store;
    private UnansweredRequests sweep;

    @BeforeEach
    void open() {
        store = new SwitchableStore(JdbcAccessStore.open("jdbc:h2:mem:" + AccessIds.random() + ";DB_CLOSE_DELAY=-1",
                "sa", ""));
        sweep = new UnansweredRequests(store, Duration.ofSeconds(10), clock, expired::add);
    }

    @AfterEach
    void close() {
        sweep.close();
        store.close();
    }

    @Test
    void handsEachExpiredRequestToTheCallbackOnce() {
        AccessRequest soon = store.submit("a", BOB, Duration.ofHours(1), null, clock.instant(),
                clock.instant().plusSeconds(60), 5);
        store.submit("b", BOB, Duration.ofHours(1), null, clock.instant(), clock.instant().plusSeconds(600), 5);
        assertThat(sweep.sweepNow()).isEmpty();
        assertThat(sweep.open()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(61));
        sweep.sweepNow();
        sweep.sweepNow();

        assertThat(expired).extracting(AccessRequest::id).containsExactly(soon.id());
        assertThat(expired.get(0).state()).isEqualTo(RequestState.EXPIRED);
        assertThat(sweep.open()).isEqualTo(1);
    }

    @Test
    void aStoreThatDoesNotAnswerIsTriedAgainNextTime() {
        AccessRequest soon = store.submit("a", BOB, Duration.ofHours(1), null, clock.instant(),
                clock.instant().plusSeconds(60), 5);
        clock.advance(Duration.ofSeconds(61));
        store.down(true);

        assertThat(sweep.sweepNow()).isEmpty();

        store.down(false);
        assertThat(sweep.sweepNow()).extracting(AccessRequest::id).containsExactly(soon.id());
        assertThat(expired).hasSize(1);
    }

    @Test
    void aFailingCallbackDoesNotStopTheSweep() {
        UnansweredRequests failing = new UnansweredRequests(store, Duration.ofSeconds(10), clock, r -> {
            throw new IllegalStateException("audit down");
        });
        store.submit("a", BOB, Duration.ofHours(1), null, clock.instant(), clock.instant().plusSeconds(1), 5);
        store.submit("b", BOB, Duration.ofHours(1), null, clock.instant(), clock.instant().plusSeconds(1), 5);
        clock.advance(Duration.ofSeconds(2));

        assertThat(failing.sweepNow()).hasSize(2);
        assertThat(store.pending(clock.instant())).isEmpty();
    }
}
