package io.drawbridge.limit;

import io.drawbridge.policy.RateLimit;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimiter limiter = new RateLimiter(1000, now::get);

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    @Test
    void aCallerGetsTheBurstAtOnceThenOneRequestPerRefill() {
        RateLimit limit = RateLimit.parse("60/m", 3); // one token a second, three at most
        for (int i = 0; i < 3; i++) {
            limiter.take("app", "sub:corp alice", limit);
        }
        RateLimited refused = catchThrowableOfType(RateLimited.class, () -> limiter.take("app", "sub:corp alice", limit));
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        advance(Duration.ofMillis(999));
        assertThatThrownBy(() -> limiter.take("app", "sub:corp alice", limit)).isInstanceOf(RateLimited.class);
        advance(Duration.ofMillis(1));
        limiter.take("app", "sub:corp alice", limit);
        assertThatThrownBy(() -> limiter.take("app", "sub:corp alice", limit)).isInstanceOf(RateLimited.class);
    }

    @Test
    void callersAndRoutesAreCountedApart() {
        RateLimit limit = RateLimit.parse("1/h", null);
        limiter.take("app", "sub:corp alice", limit);
        limiter.take("app", "sub:corp bob", limit);
        limiter.take("other", "sub:corp alice", limit);
        limiter.take("app", "sub:partner alice", limit); // the same subject from another issuer is someone else
        RateLimited refused = catchThrowableOfType(RateLimited.class, () -> limiter.take("app", "sub:corp alice", limit));
        assertThat(refused.retryAfterSeconds()).isEqualTo(3600);
    }

    @Test
    void aBucketLeftAloneIsForgottenOnlyOnceItWouldBeFullAgain() {
        RateLimit limit = RateLimit.parse("10/s", 10);
        for (int i = 0; i < 10; i++) {
            limiter.take("app", "ip:192.0.2.1", limit);
        }
        advance(Duration.ofMillis(500)); // half refilled: forgetting it now would hand back a full bucket
        assertThat(limiter.size()).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            limiter.take("app", "ip:192.0.2.1", limit);
        }
        assertThatThrownBy(() -> limiter.take("app", "ip:192.0.2.1", limit)).isInstanceOf(RateLimited.class);
        advance(Duration.ofSeconds(5));
        assertThat(limiter.size()).isZero();
    }

    @Test
    void ratesAreParsedStrictly() {
        assertThat(RateLimit.parse("100/m", 20)).isEqualTo(new RateLimit(100, Duration.ofMinutes(1), 20));
        assertThat(RateLimit.parse("5/s", null).burst()).isEqualTo(5);
        for (String bad : new String[] {"100", "100/d", "0/m", "-1/m", "1.5/s", "/m", "many/m"}) {
            assertThatThrownBy(() -> RateLimit.parse(bad, null)).as(bad)
                    .hasMessageContaining("requests per s, m or h");
        }
        assertThatThrownBy(() -> RateLimit.parse("5/s", 0)).hasMessageContaining("burst");
    }
}
