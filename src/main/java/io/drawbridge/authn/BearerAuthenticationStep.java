package io.drawbridge.authn;

import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.edge.StreamPermit;
import io.drawbridge.identity.Identity;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The route step that authenticates a request by its bearer token ({@code Authorization: Bearer <jwt>}, scheme
 * case-insensitive, exactly one header). On success the {@link Identity} is put in the exchange property
 * {@link ExchangeKeys#IDENTITY}; on failure the exchange gets an {@link AuthenticationFailed} as its exception and
 * {@link ExchangeKeys#FAILURE_REASON} its reason. Either way the {@code Authorization} header is removed, so the
 * token is not forwarded upstream, unless {@code forwardToken} is set (then it is kept on success).
 *
 * <p>Never blocks the calling thread on I/O: it verifies in memory first, and only when the issuer's keys must be
 * fetched does it hand the work to {@code executor} and complete the callback from there. When the executor
 * refuses the work, the request fails as {@link Reason#ISSUER_UNAVAILABLE}.
 */
public final class BearerAuthenticationStep extends AsyncProcessorSupport {

    static final String AUTHORIZATION = "Authorization";
    /** RFC 6750's b64token: what may follow {@code Bearer }. */
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,19}");

    private final TokenVerifier verifier;
    private final Executor executor;
    private final Set<String> allowedIssuers;
    private final boolean forwardToken;
    private List<String> boundAudiences;

    /**
     * @param verifier       the trusted issuers
     * @param executor       a bounded executor for verifications that must wait for keys to be fetched
     * @param allowedIssuers the issuer names this route accepts; {@code null} for all
     * @param forwardToken   keep the {@code Authorization} header for the upstream; default false
     */
    public BearerAuthenticationStep(TokenVerifier verifier, Executor executor, Set<String> allowedIssuers,
                                    boolean forwardToken) {
        this.verifier = verifier;
        this.executor = executor;
        this.allowedIssuers = allowedIssuers == null ? null : Set.copyOf(allowedIssuers);
        this.forwardToken = forwardToken;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String token;
        try {
            token = bearerToken(exchange.getMessage().getHeader(AUTHORIZATION));
            Optional<Identity> identity = verifier.verifyWithoutIo(token, allowedIssuers);
            if (identity.isPresent()) {
                accept(exchange, identity.get());
                callback.done(true);
                return true;
            }
        } catch (RuntimeException e) {
            fail(exchange, e);
            callback.done(true);
            return true;
        }
        try {
            executor.execute(() -> verifyOnWorker(exchange, token, callback));
            return false;
        } catch (RejectedExecutionException e) {
            fail(exchange, new AuthenticationFailed(Reason.ISSUER_UNAVAILABLE, "no worker free to fetch issuer keys"));
            callback.done(true);
            return true;
        }
    }

    private void verifyOnWorker(Exchange exchange, String token, AsyncCallback callback) {
        try {
            accept(exchange, verifier.verify(token, allowedIssuers));
        } catch (RuntimeException e) {
            fail(exchange, e);
        } finally {
            callback.done(false);
        }
    }

    /**
     * Binds the route's tokens to these audiences (RFC 8707): a token whose {@code aud} names none of them fails
     * with {@link Reason#AUDIENCE_MISMATCH}. Without this, an MCP route binds them to its resource URL.
     */
    public BearerAuthenticationStep bindAudiences(Collection<String> audiences) {
        this.boundAudiences = audiences == null || audiences.isEmpty() ? null : List.copyOf(audiences);
        return this;
    }

    private void accept(Exchange exchange, Identity identity) {
        String resource = exchange.getProperty(ExchangeKeys.MCP_RESOURCE, String.class);
        AudienceBinding.require(identity, boundAudiences != null ? boundAudiences
                : resource != null ? List.of(resource) : null);
        exchange.setProperty(ExchangeKeys.IDENTITY, identity);
        exchange.setProperty(ExchangeKeys.STREAM_PERMIT, StreamPermit.until(identity.expiresAt(),
                Reason.TOKEN_EXPIRED, "the bearer token expired"));
        if (!forwardToken) {
            exchange.getMessage().removeHeader(AUTHORIZATION);
        }
    }

    /** Fails the exchange: an {@link AuthenticationFailed} with its reason, anything else as the bug it is. */
    private static void fail(Exchange exchange, RuntimeException e) {
        exchange.getMessage().removeHeader(AUTHORIZATION);
        if (e instanceof AuthenticationFailed failure) {
            exchange.setProperty(ExchangeKeys.FAILURE_REASON, failure.reason());
        }
        exchange.setException(e);
    }

    /** The token of a single {@code Bearer} credential; the header value may be a string or a one-element list. */
    static String bearerToken(Object header) {
        if (header instanceof Collection<?> values) {
            if (values.size() > 1) {
                throw new AuthenticationFailed(Reason.TOKEN_MALFORMED, values.size() + " Authorization headers");
            }
            header = values.isEmpty() ? null : values.iterator().next();
        }
        if (header == null || header.toString().isBlank()) {
            throw new AuthenticationFailed(Reason.TOKEN_MISSING, "no Authorization header");
        }
        String value = header.toString().strip();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        if (!scheme.equalsIgnoreCase("Bearer")) {
            // name the scheme only when it looks like one: a bare credential must not reach the audit log
            throw new AuthenticationFailed(Reason.TOKEN_MISSING, "Authorization scheme is not Bearer"
                    + (space > 0 && SCHEME.matcher(scheme).matches() ? " (" + scheme + ")" : ""));
        }
        String token = space < 0 ? "" : value.substring(space + 1).strip();
        if (!isB64Token(token)) {
            throw new AuthenticationFailed(Reason.TOKEN_MALFORMED, "Bearer credential is empty or not a single token");
        }
        return token;
    }

    /** RFC 6750 b64token: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}, without a regex. */
    static boolean isB64Token(String token) {
        int n = token.length();
        int i = 0;
        while (i < n) {
            char c = token.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
            if (!ok) {
                break;
            }
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < n && token.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }
}
