package io.drawbridge.access;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A state-changing call signed in by session cookie alone must prove it comes from this origin: the check runs
 * before anything is read or changed (the desk here would fail any call it received).
 */
class AccessApiTest {

    private final AccessApi api = new AccessApi(null, Runnable::run, "Drawbridge", null, who -> List.of(),
            () -> "https://gw.example.com");

    private Exchange post(Map<String, String> headers) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(ExchangeKeys.IDENTITY, new Identity("alice-id", "alice", null, Set.of(), "test", null,
                Map.of(), null));
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, "/.drawbridge/access/requests/r1/approve");
        headers.forEach(exchange.getMessage()::setHeader);
        return exchange;
    }

    @Test
    void refusesACrossSiteFormPost() {
        AccessRefused refused = catchThrowableOfType(() -> api.handle(post(Map.of("Sec-Fetch-Site", "cross-site",
                "Content-Type", "application/x-www-form-urlencoded"))), AccessRefused.class);

        assertThat(refused.reason()).isEqualTo(Reason.ACCESS_CROSS_SITE);
    }

    @Test
    void refusesAPostWithAnotherSitesOrigin() {
        AccessRefused refused = catchThrowableOfType(() -> api.handle(post(Map.of("Origin", "https://evil.example"))),
                AccessRefused.class);

        assertThat(refused.reason()).isEqualTo(Reason.ACCESS_CROSS_SITE);
    }

    @Test
    void refusesAPostWithoutAnyProof() {
        AccessRefused refused = catchThrowableOfType(() -> api.handle(post(Map.of())), AccessRefused.class);

        assertThat(refused.reason()).isEqualTo(Reason.ACCESS_CROSS_SITE);
    }

    @Test
    void aSameOriginPostPassesTheCheckAndReachesTheDesk() {
        // the desk is null: passing the check means failing on it, not with access-cross-site
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> api.handle(post(Map.of(
                "Sec-Fetch-Site", "same-origin"))));

        assertThat(failure).isInstanceOf(NullPointerException.class);
    }
}
