package io.drawbridge.authn.session;

import io.drawbridge.Reason;
import io.drawbridge.authn.AuthenticationFailed;
import io.drawbridge.config.SessionConfig;
import io.drawbridge.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SessionStoreTest {

    final TestClock clock = new TestClock(Instant.parse("2026-11-23T10:00:00Z"));
    final SessionStore store = new SessionStore(new SessionKeys(List.of(SessionKeysTest.newKey())),
            new SessionCookies("s", null, true), new SessionConfig(List.of("unused"), "s", null, null,
            Duration.ofMinutes(30), Duration.ofHours(8), null), clock);

    Map<String, String> browserAfter(List<String> setCookies) {
        var cookies = new java.util.LinkedHashMap<String, String>();
        for (String set : setCookies) {
            String pair = set.split(";", 2)[0];
            cookies.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return cookies;
    }

    Session session(String accessToken) {
        return new Session(Session.newId(), accessToken, "rt", "id", clock.instant().plusSeconds(300), clock.instant(),
                clock.instant());
    }

    @Test
    void aSignedOutSessionNoLongerOpensInAnyOfItsCopies() {
        Session signedIn = session("at");
        var copy = browserAfter(store.store(signedIn, Map.of()));
        clock.advance(Duration.ofMinutes(2));
        var later = browserAfter(store.store(signedIn.seenAt(clock.instant()).refreshed("at2", null, null,
                clock.instant().plusSeconds(300), clock.instant()), Map.of()));
        var other = browserAfter(store.store(session("at"), Map.of()));

        store.end(store.open(later));

        for (var cookie : List.of(copy, later)) {
            var failure = catchThrowableOfType(AuthenticationFailed.class, () -> store.open(cookie));
            assertThat(failure.reason()).isEqualTo(Reason.SESSION_EXPIRED);
            assertThat(failure.getMessage()).contains("signed out");
        }
        assertThat(store.open(other)).isNotNull();
    }

    @Test
    void aSessionWithoutAnIdDoesNotOpen() {
        var claims = new com.nimbusds.jwt.JWTClaimsSet.Builder(session("at").toClaims()).claim("sid", null).build();
        var cookie = Map.of("s", store.keys().seal(Session.PURPOSE, claims));

        assertThat(catchThrowableOfType(AuthenticationFailed.class, () -> store.open(cookie)).reason())
                .isEqualTo(Reason.SESSION_INVALID);
    }

    @Test
    void aSessionOpensWithinItsLifetimes() {
        var sent = browserAfter(store.store(session("at"), Map.of()));
        clock.advance(Duration.ofMinutes(29));

        assertThat(store.open(sent).accessToken()).isEqualTo("at");
    }

    @Test
    void anIdleSessionEnds() {
        var sent = browserAfter(store.store(session("at"), Map.of()));
        clock.advance(Duration.ofMinutes(30));

        assertThat(catchThrowableOfType(AuthenticationFailed.class, () -> store.open(sent)).reason())
                .isEqualTo(Reason.SESSION_EXPIRED);
    }

    @Test
    void aUsedSessionStillEndsAtItsAbsoluteLifetime() {
        Session session = session("at");
        var sent = browserAfter(store.store(session, Map.of()));
        for (int i = 0; i < 19; i++) { // used every 25 minutes for almost 8 hours
            clock.advance(Duration.ofMinutes(25));
            Session opened = store.open(sent);
            sent = browserAfter(store.store(opened.seenAt(clock.instant()), sent));
        }
        clock.advance(Duration.ofMinutes(10));

        var finalSent = sent;
        assertThat(catchThrowableOfType(AuthenticationFailed.class, () -> store.open(finalSent)).reason())
                .isEqualTo(Reason.SESSION_EXPIRED);
    }

    @Test
    void theCookieLivesNoLongerThanTheSession() {
        Session session = session("at");
        List<String> set = store.store(session, Map.of());
        clock.advance(Duration.ofHours(2));
        List<String> later = store.store(session.seenAt(clock.instant()), Map.of());

        assertThat(set).singleElement().asString().contains("Max-Age=28800", "Secure", "HttpOnly", "SameSite=Lax");
        assertThat(later.get(0)).contains("Max-Age=21600");
    }

    @Test
    void aLargeSessionIsSplitIntoChunksAndJoinedAgain() {
        String big = "x".repeat(9000);
        List<String> set = store.store(session(big), Map.of());

        assertThat(set).hasSizeGreaterThan(2).allSatisfy(c -> assertThat(c.split(";")[0].length())
                .isLessThanOrEqualTo(SessionCookies.CHUNK + 4));
        assertThat(set).extracting(c -> c.substring(0, c.indexOf('='))).startsWith("s_0", "s_1", "s_2");
        assertThat(store.open(browserAfter(set)).accessToken()).isEqualTo(big);
    }

    @Test
    void aSessionThatShrinksRemovesItsOldChunks() {
        var sent = browserAfter(store.store(session("x".repeat(9000)), Map.of()));

        List<String> set = store.store(session("small"), sent);

        assertThat(set).anyMatch(c -> c.startsWith("s=")).anyMatch(c -> c.startsWith("s_0=;") && c.contains("Max-Age=0"))
                .anyMatch(c -> c.startsWith("s_2=;"));
    }

    @Test
    void aMissingChunkIsATamperedSession() {
        var sent = new java.util.LinkedHashMap<>(browserAfter(store.store(session("x".repeat(9000)), Map.of())));
        sent.remove("s_1");

        assertThat(catchThrowableOfType(AuthenticationFailed.class, () -> store.open(sent)).reason())
                .isEqualTo(Reason.SESSION_INVALID);
    }

    @Test
    void theGatewaysCookiesAreTakenOutOfWhatUpstreamsSee() {
        var cookies = new SessionCookies("s", "example.com", false);

        assertThat(cookies.withoutOurs("a=1; s=xyz; s_0=p; s_login_abc=q; sx=keep")).isEqualTo("a=1; sx=keep");
        assertThat(cookies.withoutOurs(List.of("s=1", "s_1=2"))).isNull();
        assertThat(cookies.cookie("s", "v", "/", Duration.ofSeconds(5))).contains("Domain=example.com")
                .doesNotContain("Secure");
    }
}
