package io.drawbridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.drawbridge.Outcome;
import io.drawbridge.audit.AuditJson;
import io.drawbridge.audit.AuditRecord;
import io.drawbridge.authn.IssuerRegistry;
import io.drawbridge.authn.TrustedIssuer;
import io.drawbridge.authn.VerifiedTokens;
import io.drawbridge.config.IdentityHeadersConfig;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.config.PolicyConfig;
import io.drawbridge.edge.IdentityHeaderFilter;
import io.drawbridge.edge.RequestHygiene;
import io.drawbridge.identity.Identity;
import io.drawbridge.policy.Decision;
import io.drawbridge.policy.Policies;
import io.drawbridge.policy.PolicyEvaluator;
import io.drawbridge.policy.RequestFacts;
import io.drawbridge.policy.RoutePolicy;
import io.drawbridge.testing.TokenMinter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where a request's CPU goes on the gateway's decision path, stage by stage and all together: token verification
 * with a warm cache, policy evaluation, header hygiene, and audit serialization (off the response path, but on
 * the same cores). Run with {@code bash bench/jmh.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecisionPathBenchmark {

    private IssuerRegistry issuers;
    private String token;
    private IssuerRegistry uncached;
    private RoutePolicy policy;
    private RequestFacts facts;
    private Identity identity;
    private RequestHygiene hygiene;
    private HttpHeaders requestHeaders;
    private AuditRecord record;
    private final ByteArrayOutputStream audit = new ByteArrayOutputStream(1024);

    @Setup
    public void setUp() throws Exception {
        var minter = new TokenMinter();
        Path jwks = minter.writeJwks(Files.createTempFile("bench-jwks", ".json"));
        var issuer = new IssuerConfig("bench", TokenMinter.ISSUER, null, null, jwks.toString(),
                List.of(TokenMinter.AUDIENCE), null, null, null, null, null);
        issuers = IssuerRegistry.of(List.of(issuer));
        token = minter.token("alice", List.of("sre", "platform"));
        identity = issuers.verify(token, null); // warms keys and the verified-token cache
        // The same issuer with a cache that keeps nothing: every call verifies the signature.
        uncached = new IssuerRegistry(List.of(new TrustedIssuer(issuer)), new VerifiedTokens(0, Clock.systemUTC()));
        uncached.verify(token, null);

        var yaml = new ObjectMapper(new YAMLFactory());
        PolicyConfig config = yaml.readValue("""
                deny:
                  - groups: [contractors]
                    paths: [/grafana/api/admin/**]
                allow:
                  - groups: [sre, platform]
                    methods: [GET, POST]
                    paths: [/grafana/**]
                  - emails: ["*@example.com"]
                    methods: [GET]
                """, PolicyConfig.class);
        policy = Policies.compile(Map.of("grafana", config), (f, m) -> {
            throw new IllegalStateException(f + ": " + m);
        }).get("grafana");
        facts = new RequestFacts("GET", "/grafana/d/abc/overview", "grafana.example.com");

        hygiene = new RequestHygiene(new IdentityHeaderFilter(IdentityHeadersConfig.defaults()));
        requestHeaders = new DefaultHttpHeaders()
                .add("Host", "grafana.example.com")
                .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36")
                .add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .add("Accept-Language", "en-US,en;q=0.5")
                .add("Accept-Encoding", "gzip, deflate, br")
                .add("Authorization", "Bearer " + token)
                .add("Cookie", "grafana_session=0123456789abcdef")
                .add("Connection", "keep-alive")
                .add("X-Forwarded-User", "mallory")
                .add("Upgrade-Insecure-Requests", "1");

        record = new AuditRecord(Instant.now(), "abcd1234-1f", Outcome.ALLOW, "rule-matched", "rule allow[0]",
                "alice", "bench", "grafana-ui", List.of("sre", "platform"), "grafana", "grafana", "GET",
                "/grafana/d/abc/overview", "grafana.example.com", 200, "10.1.2.3", "http://grafana:3000", 3, 0,
                1234, "Mozilla/5.0 (X11; Linux x86_64)", "cached");
    }

    @Benchmark
    public Identity verifyCachedToken() {
        return issuers.verifyWithoutIo(token, null).orElseThrow();
    }

    @Benchmark
    public Decision evaluatePolicy() {
        return PolicyEvaluator.evaluate(policy, facts, identity);
    }

    @Benchmark
    public Map<String, Object> headerHygiene() {
        Map<String, Object> headers = new HashMap<>();
        hygiene.copy(requestHeaders, headers);
        return headers;
    }

    @Benchmark
    public int serializeAuditRecord() {
        audit.reset();
        AuditJson.write(record, audit);
        return audit.size();
    }

    /** The whole cached decision: hygiene, token (warm cache), policy. */
    @Benchmark
    public Decision cachedDecisionPath() {
        Map<String, Object> headers = new HashMap<>();
        hygiene.copy(requestHeaders, headers);
        String authorization = (String) headers.get("Authorization");
        Identity who = issuers.verifyWithoutIo(authorization.substring(7), null).orElseThrow();
        return PolicyEvaluator.evaluate(policy, facts, who);
    }

    /** As for a token never seen before: RSA signature verification and claim checks, no cache. */
    @Benchmark
    public Identity verifyUncachedToken() {
        return uncached.verifyWithoutIo(token, null).orElseThrow();
    }
}
