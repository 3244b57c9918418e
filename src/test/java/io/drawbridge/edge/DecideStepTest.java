package io.drawbridge.edge;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the decision endpoint reads the request a front asks about, from each front's shape of asking. */
class DecideStepTest {

    /** A request to the decision endpoint at {@code uri}, matched on {@code prefix}, with {@code headers}. */
    private static ClientRequest asking(String method, String uri, String prefix, String... headers) {
        var head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri);
        for (int i = 0; i < headers.length; i += 2) {
            head.headers().add(headers[i], headers[i + 1]);
        }
        var request = new ClientRequest(null, new EmbeddedChannel(), head, RequestTarget.parse(uri), "id", "front",
                "front", "127.0.0.1", "127.0.0.1", "http", BodyFraming.NONE, 0);
        request.route(null, prefix);
        return request;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "nginx X-Original-URI,      GET,  /.drawbridge/auth, X-Original-URI,  /app/x?y=1,       GET,  /app/x, y=1",
            "Caddy X-Forwarded-Uri,     GET,  /.drawbridge/auth, X-Forwarded-Uri, /app/x,           GET,  /app/x, ",
            "dot segments resolved,     GET,  /.drawbridge/auth, X-Forwarded-Uri, /public/../app/x, GET,  /app/x, ",
            "unreserved escapes decoded, GET, /.drawbridge/auth, X-Forwarded-Uri, /%61pp/x,         GET,  /app/x, ",
            "Envoy path after prefix,   POST, /.drawbridge/auth/app/x?y=1, Host,  apps.example.com, POST, /app/x, y=1",
    })
    void readsTheOriginalRequest(String shape, String method, String uri, String header, String value,
                                 String wantMethod, String wantPath, String wantQuery) {
        var asked = DecideStep.asked(asking(method, uri, "/.drawbridge/auth", header, value));

        assertThat(asked.method()).isEqualTo(wantMethod);
        assertThat(asked.target().path()).isEqualTo(wantPath);
        assertThat(asked.target().query()).isEqualTo(wantQuery);
    }

    @org.junit.jupiter.api.Test
    void takesTheMethodFromXForwardedMethodOverItsOwn() {
        var asked = DecideStep.asked(asking("GET", "/.drawbridge/auth", "/.drawbridge/auth",
                "X-Forwarded-Method", "PUT", "X-Forwarded-Uri", "/app/"));

        assertThat(asked.method()).isEqualTo("PUT");
    }

    @org.junit.jupiter.api.Test
    void refusesTwoOriginalUris() {
        assertThatThrownBy(() -> DecideStep.asked(asking("GET", "/.drawbridge/auth", "/.drawbridge/auth",
                "X-Forwarded-Uri", "/public/", "X-Forwarded-Uri", "/app/")))
                .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(ErrorResponses.statusFor(e.reason())).isEqualTo(400));
    }

    @org.junit.jupiter.api.Test
    void refusesAnEnvoyShapedRequestThatNamesNothing() {
        assertThatThrownBy(() -> DecideStep.asked(asking("GET", "/.drawbridge/auth", "/.drawbridge/auth")))
                .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(ErrorResponses.statusFor(e.reason())).isEqualTo(400));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "encoded slash,              X-Forwarded-Uri,    /public/..%2Fapp",
            "double encoding,            X-Forwarded-Uri,    /public/%252e%252e/app",
            "above the root,             X-Forwarded-Uri,    /../app",
            "absolute URI,               X-Forwarded-Uri,    http://evil.example/app",
            "not a path,                 X-Forwarded-Uri,    app",
            "lower-case method,          X-Forwarded-Method, get",
            "method that is not a token, X-Forwarded-Method, 'GET /app'",
            "host that is not a host,    X-Forwarded-Host,   'a b'",
    })
    void refusesWhatCannotBeReadUnambiguously(String why, String header, String value) {
        var request = header.equals("X-Forwarded-Uri")
                ? asking("GET", "/.drawbridge/auth", "/.drawbridge/auth", header, value)
                : asking("GET", "/.drawbridge/auth", "/.drawbridge/auth", "X-Forwarded-Uri", "/app/", header, value);

        assertThatThrownBy(() -> DecideStep.asked(request))
                .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(ErrorResponses.statusFor(e.reason())).isEqualTo(400));
    }
}
