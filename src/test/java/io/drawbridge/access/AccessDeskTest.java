package io.drawbridge.access;

import io.drawbridge.Reason;
import io.drawbridge.audit.AuditRecord;
import io.drawbridge.audit.AuditSink;
import io.drawbridge.config.AccessConfig;
import io.drawbridge.config.PolicyConfig;
import io.drawbridge.edge.ErrorResponses;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Policies;
import io.drawbridge.policy.RoutePolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The rules over a real (in-memory H2) store, without HTTP: every change audited with the request id, the
 * decision timed for the metrics, and a store that does not answer refusing new requests and approvals with
 * {@code access-store-unavailable} (503).
 */
class AccessDeskTest {

    private final List<AuditRecord> audited = new CopyOnWriteArrayList<>();
    private final List<String> announced = new ArrayList<>();
    private final List<String> decisions = new ArrayList<>();
    private final SwitchableStore store = new SwitchableStore(JdbcAccessStore.open("jdbc:h2:mem:"
            + AccessIds.random() + ";DB_CLOSE_DELAY=-1", "sa", ""));
    private final RoutePolicy grafana = Policies.compile(Map.of("grafana", new PolicyConfig(null, null,
            List.of(new PolicyConfig.RuleConfig(null, List.of("group:default/sre"), null, null, null, null, null)),
            null, null, null, new PolicyConfig.RequestConfig(List.of("group:default/sre"), Duration.ofHours(2),
            null, null, null, null, null))), (f, m) -> {
                throw new AssertionError(f + ": " + m);
            }).get("grafana");
    private final AccessDesk desk = new AccessDesk(store, route -> route.equals("grafana") ? grafana
            : RoutePolicy.NONE, new Approvers(null, null), AccessConfig.defaults(), new AccessEvents(new AuditSink() {
                @Override
                public void accept(AuditRecord record) {
                    audited.add(record);
                }

                @Override
                public void close() {
                }
            }), (request, link) -> announced.add(request.id() + " " + link), () -> { },
            (outcome, waited) -> decisions.add(outcome), Clock.systemUTC());

    private static Identity person(String name, String... groups) {
        return new Identity(name + "-id", name, name + "@example.com", Set.of(groups), "test", null, Map.of(), null);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    @Test
    void auditsEachStepWithTheRequestIdAndTimesTheDecision() {
        AccessRequest asked = desk.submit(person("bob"), "grafana", null, "incident 7", "https://gw");
        Grant grant = desk.approve(person("alice", "group:default/sre"), asked.id(), Duration.ofMinutes(30));
        desk.revoke(person("bob"), grant.id());

        assertThat(announced).containsExactly(asked.id() + " https://gw/.drawbridge/access");
        assertThat(decisions).containsExactly("approved");
        assertThat(audited).extracting(AuditRecord::reason).containsExactly("access-requested", "access-approved",
                "access-revoked");
        assertThat(audited).allSatisfy(r -> {
            assertThat(r.access().request()).isEqualTo(asked.id());
            assertThat(r.access().requester()).isEqualTo("bob");
            assertThat(r.access().reason()).isEqualTo("incident 7");
            assertThat(r.route()).isEqualTo("grafana");
        });
        assertThat(audited.get(0).access().duration()).isEqualTo("PT1H");
        assertThat(audited.get(1).access().duration()).isEqualTo("PT30M");
        assertThat(audited.get(1).access().approver()).isEqualTo("alice");
        assertThat(audited.get(2).subject()).isEqualTo("bob");
    }

    @Test
    void rejectionsAndWithdrawalsAreAuditedToo() {
        AccessRequest first = desk.submit(person("bob"), "grafana", Duration.ofHours(1), "one", "https://gw");
        desk.reject(person("alice", "group:default/sre"), first.id());
        AccessRequest second = desk.submit(person("bob"), "grafana", Duration.ofHours(1), "two", "https://gw");
        desk.withdraw(person("bob"), second.id());

        assertThat(audited).extracting(AuditRecord::reason).containsExactly("access-requested", "access-rejected",
                "access-requested", "access-withdrawn");
        assertThat(decisions).containsExactly("rejected");
    }

    @Test
    void someoneElseCannotWithdrawARequest() {
        AccessRequest asked = desk.submit(person("bob"), "grafana", null, "mine", "https://gw");

        AccessRefused refused = catchThrowableOfType(() -> desk.withdraw(person("mallory"), asked.id()),
                AccessRefused.class);
        assertThat(refused.reason()).isEqualTo(Reason.ACCESS_NOT_FOUND);
    }

    @Test
    void aStoreThatDoesNotAnswerRefusesRequestsAndApprovalsWith503() {
        AccessRequest asked = desk.submit(person("bob"), "grafana", null, "before the outage", "https://gw");
        store.down(true);

        AccessStoreUnavailable submit = catchThrowableOfType(() -> desk.submit(person("dave"), "grafana", null,
                "during", "https://gw"), AccessStoreUnavailable.class);
        AccessStoreUnavailable approve = catchThrowableOfType(() -> desk.approve(person("alice",
                "group:default/sre"), asked.id(), null), AccessStoreUnavailable.class);

        assertThat(ErrorResponses.statusFor(submit.reason())).isEqualTo(503);
        assertThat(approve.reason()).isEqualTo(Reason.ACCESS_STORE_UNAVAILABLE);
        assertThat(audited).extracting(AuditRecord::reason).containsExactly("access-requested");
    }
}
