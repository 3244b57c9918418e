package io.drawbridge.proxy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A route's {@code upstream} URL, parsed once: where to connect, what to put before the path, what Host to send. */
class UpstreamTargetTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            http://grafana                      | false | grafana   | 80   | ''        | http://grafana:80       | grafana
            https://grafana                     | true  | grafana   | 443  | ''        | https://grafana:443     | grafana
            http://grafana:3000                 | false | grafana   | 3000 | ''        | http://grafana:3000     | grafana:3000
            https://grafana:8443                | true  | grafana   | 8443 | ''        | https://grafana:8443    | grafana:8443
            http://grafana:80                   | false | grafana   | 80   | ''        | http://grafana:80       | grafana
            https://grafana:443/                | true  | grafana   | 443  | ''        | https://grafana:443     | grafana
            https://grafana:80                  | true  | grafana   | 80   | ''        | https://grafana:80      | grafana:80
            http://grafana:443                  | false | grafana   | 443  | ''        | http://grafana:443      | grafana:443
            http://grafana/                     | false | grafana   | 80   | ''        | http://grafana:80       | grafana
            http://grafana/base                 | false | grafana   | 80   | /base     | http://grafana:80       | grafana
            http://grafana/base/                | false | grafana   | 80   | /base     | http://grafana:80       | grafana
            http://grafana/a/b//                | false | grafana   | 80   | /a/b      | http://grafana:80       | grafana
            http://grafana/a%20b/               | false | grafana   | 80   | /a%20b    | http://grafana:80       | grafana
            HTTPS://grafana                     | true  | grafana   | 443  | ''        | https://grafana:443     | grafana
            http://10.0.0.7:9000/x              | false | 10.0.0.7  | 9000 | /x        | http://10.0.0.7:9000    | 10.0.0.7:9000
            http://[::1]:9000/x                 | false | [::1]     | 9000 | /x        | http://[::1]:9000       | [::1]:9000
            https://[2001:db8::1]               | true  | [2001:db8::1] | 443 | ''    | https://[2001:db8::1]:443 | [2001:db8::1]
            '  http://grafana:3000  '           | false | grafana   | 3000 | ''        | http://grafana:3000     | grafana:3000
            """)
    void parsesHttpAndHttpsUrls(String url, boolean secure, String host, int port, String basePath, String origin,
                                String hostHeader) {
        UpstreamTarget target = UpstreamTarget.parse(url);

        assertThat(target).isEqualTo(new UpstreamTarget(secure, host, port, basePath, origin, hostHeader));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
            "ftp://grafana/", "ws://grafana/", "file:///etc/passwd", "grafana:3000", "//grafana/x", "/only/a/path",
            "grafana", "", "mailto:ops@example.com",
            "http://user@grafana/", "http://user:secret@grafana/", "https://:secret@grafana/",
            "http://grafana/?x=1", "http://grafana?x=1", "http://grafana/?", "http://grafana/#top", "http://grafana#",
            "http:///path", "http://", "http:/grafana", "http:grafana",
            "http://gra fana/", "http://grafana:port/", "http://[::1/"})
    void rejects(String url) {
        assertThatThrownBy(() -> UpstreamTarget.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upstream");
    }
}
