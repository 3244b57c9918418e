package io.drawbridge.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.drawbridge.config.CatalogConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups from the software catalog: finds the caller's User entity (by e-mail or by name, as Backstage's sign-in
 * resolvers do) and adds the refs of its groups and of all their parents ({@code group:default/sre},
 * {@code group:default/platform}).
 *
 * <p>Answers are cached per user for {@code ttl}, at most {@code maxUsers} of them. Only one catalog lookup per
 * user runs at a time, however many requests wait for it. When a lookup fails (the catalog is down, slow or
 * answers garbage), the last answer is used while it is younger than {@code maxStaleness}; after that, or without
 * one, enrichment fails with {@link CatalogUnavailable}. For {@link #RETRY_AFTER} after a failure, requests get
 * that outcome from memory instead of waiting for another lookup. It never fails open: a failure never yields
 * the identity without its catalog groups.
 */
public final class CatalogRoleSource implements RoleSource {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogRoleSource.class);

    /** How callers are found in the catalog. */
    public enum Match { EMAIL, NAME }

    /** What happens to a caller without a User entity. */
    public enum UnknownUser { CLAIMS_ONLY, DENY }

    /** After a failed lookup, how long requests take the failure's outcome without trying again. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /** Parent levels followed at most; a deeper tree fails the lookup rather than leave groups out. */
    static final int MAX_DEPTH = 64;

    /**
     * @param match         how callers are found; default {@code EMAIL}
     * @param claim         with {@code NAME}: the claim holding the name; {@code null} for the identity's user name
     * @param ttl           how long an answer is used as is; default 5m
     * @param maxStaleness  how long an answer may stand in for a failed lookup; default 15m
     * @param unknownUser   callers without a User entity; default {@code CLAIMS_ONLY}
     * @param maxUsers      answers cached at most; default 10000
     * @param lookupTimeout how long requests wait for one lookup (all its catalog calls); default three Backstage
     *                      request timeouts (9s), or 10s for files
     */
    public record Options(Match match, String claim, Duration ttl, Duration maxStaleness, UnknownUser unknownUser,
                          long maxUsers, Duration lookupTimeout) {

        public static Options of(CatalogConfig config) {
            Duration lookupTimeout = config.backstage() == null ? Duration.ofSeconds(10)
                    : config.backstage().timeout().multipliedBy(3);
            return new Options(Match.valueOf(config.match().toUpperCase(Locale.ROOT)), config.claim(), config.ttl(),
                    config.maxStaleness(), UnknownUser.valueOf(config.unknownUser().replace('-', '_')
                    .toUpperCase(Locale.ROOT)), config.maxCachedUsers(), lookupTimeout);
        }
    }

    /** One catalog answer for one user: the groups, or {@code null} when the user is not in the catalog. */
    private record Answer(Set<String> groups, Instant fetchedAt) {
    }

    private final Catalog catalog;
    private final Options options;
    private final Executor executor;
    private final Clock clock;
    private final Cache<String, Answer> answers;
    private final Cache<String, Instant> failures;
    private final Map<String, CompletableFuture<Answer>> inFlight = new ConcurrentHashMap<>();

    /**
     * @param executor a bounded executor for lookups; when it refuses one, the lookup has failed
     * @param clock    for ages and expiry
     */
    public CatalogRoleSource(Catalog catalog, Options options, Executor executor, Clock clock) {
        this.catalog = catalog;
        this.options = options;
        this.executor = executor;
        this.clock = clock;
        this.answers = Caffeine.newBuilder().maximumSize(options.maxUsers())
                .expireAfterWrite(options.maxStaleness().plusSeconds(1)) // ages are checked on use; this frees memory
                .ticker(this::nanos).executor(Runnable::run).build();
        this.failures = Caffeine.newBuilder().maximumSize(options.maxUsers())
                .expireAfterWrite(RETRY_AFTER).ticker(this::nanos).executor(Runnable::run).build();
    }

    /** The role source the configuration describes, with its catalog. */
    public static CatalogRoleSource of(CatalogConfig config, Executor executor) {
        return new CatalogRoleSource(Catalog.of(config), Options.of(config), executor, Clock.systemUTC());
    }

    @Override
    public Optional<Enrichment> enrichWithoutIo(Identity identity) {
        Optional<String> key = key(identity);
        if (key.isEmpty()) {
            return Optional.of(notInCatalog(identity));
        }
        Answer answer = answers.getIfPresent(key.get());
        Instant now = clock.instant();
        if (answer != null && age(answer, now).compareTo(options.ttl()) < 0) {
            return Optional.of(enrichment(identity, answer, Enrichment.CACHED));
        }
        if (failures.getIfPresent(key.get()) != null) {
            return Optional.of(staleOrFail(identity, answer, now, "the catalog failed a moment ago"));
        }
        return Optional.empty();
    }

    @Override
    public CompletableFuture<Enrichment> enrich(Identity identity) {
        try {
            Optional<Enrichment> known = enrichWithoutIo(identity);
            if (known.isPresent()) {
                return CompletableFuture.completedFuture(known.get());
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        String key = key(identity).orElseThrow();
        return lookup(key).handle((answer, error) -> {
            if (error == null) {
                return enrichment(identity, answer, Enrichment.FRESH);
            }
            return staleOrFail(identity, answers.getIfPresent(key), clock.instant(), describe(error));
        });
    }

    /** The lookup in flight for this user, or a new one. */
    private CompletableFuture<Answer> lookup(String key) {
        CompletableFuture<Answer> mine = new CompletableFuture<>();
        CompletableFuture<Answer> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running;
        }
        try {
            executor.execute(() -> {
                try {
                    Answer answer = fetch(key);
                    answers.put(key, answer);
                    failures.invalidate(key);
                    inFlight.remove(key, mine);
                    mine.complete(answer);
                } catch (Throwable e) { // anything, or the waiting requests would never be answered
                    LOG.warn("catalog lookup failed: {}", describe(e));
                    failures.put(key, clock.instant());
                    inFlight.remove(key, mine);
                    mine.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.remove(key, mine);
            mine.completeExceptionally(new CatalogUnavailable("no worker free for a catalog lookup"));
        }
        return mine.orTimeout(options.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Blocking, and never from the cache: the caller's catalog refs right now (their User ref, their groups and
     * every ancestor group), for decisions that must not rest on an answer minutes old (approving an access
     * request). Empty when the caller is not in the catalog.
     *
     * @throws CatalogUnavailable when the catalog cannot answer
     */
    public Set<String> currentRefs(Identity identity) {
        Optional<String> key = key(identity);
        if (key.isEmpty()) {
            return Set.of();
        }
        Answer answer = fetch(key.get());
        return answer.groups() == null ? Set.of() : answer.groups();
    }

    /** Blocking: the user's groups and all their ancestors, from the catalog. */
    private Answer fetch(String key) {
        Instant started = clock.instant(); // the answer is as old as the moment it was asked for
        Optional<CatalogUser> user = options.match() == Match.EMAIL ? catalog.userByEmail(key)
                : catalog.userByName(key);
        if (user.isEmpty()) {
            return new Answer(null, started);
        }
        Set<String> groups = new LinkedHashSet<>(user.get().memberOf());
        Set<String> frontier = Set.copyOf(groups);
        for (int depth = 0; !frontier.isEmpty(); depth++) {
            if (depth == MAX_DEPTH) {
                throw new CatalogUnavailable("group tree deeper than " + MAX_DEPTH + " levels above " + user.get().ref());
            }
            Set<String> next = new LinkedHashSet<>();
            for (Set<String> parents : catalog.parentsOf(frontier).values()) {
                parents.stream().filter(groups::add).forEach(next::add); // a group seen before is not walked again
            }
            frontier = next;
        }
        // Like Backstage's ownership refs, the user's own ref counts too: a route owned by a user lets that user in.
        Set<String> refs = new LinkedHashSet<>();
        refs.add(user.get().ref().toString());
        refs.addAll(groups);
        return new Answer(Collections.unmodifiableSet(refs), started);
    }

    private Enrichment staleOrFail(Identity identity, Answer answer, Instant now, String why) {
        if (answer != null && age(answer, now).compareTo(options.maxStaleness()) <= 0) {
            return enrichment(identity, answer, Enrichment.stale(age(answer, now).toSeconds()));
        }
        throw new CatalogUnavailable(why + (answer == null ? "; no earlier answer for this user"
                : "; the last answer is older than " + options.maxStaleness().toSeconds() + "s"));
    }

    private Enrichment enrichment(Identity identity, Answer answer, String lookup) {
        if (answer.groups() == null) {
            return notInCatalog(identity);
        }
        return new Enrichment(identity.withGroups(answer.groups()), lookup);
    }

    private Enrichment notInCatalog(Identity identity) {
        if (options.unknownUser() == UnknownUser.DENY) {
            throw new UserNotInCatalog("no User entity for " + identity.user());
        }
        return new Enrichment(identity, Enrichment.NOT_IN_CATALOG);
    }

    /**
     * What the caller is looked up by, lower case; empty when it has nothing to be found by. An e-mail the issuer
     * says is not verified is not used: anyone could have typed it.
     */
    private Optional<String> key(Identity identity) {
        String value;
        if (options.match() == Match.EMAIL) {
            Object verified = identity.claims().get("email_verified"); // some issuers send it as text
            value = Boolean.FALSE.equals(verified) || "false".equals(verified) ? null : identity.email();
        } else {
            value = options.claim() == null ? identity.user()
                    : identity.claims().get(options.claim()) instanceof String s ? s : null;
        }
        return value == null || value.isBlank() ? Optional.empty()
                : Optional.of(value.strip().toLowerCase(Locale.ROOT));
    }

    private static Duration age(Answer answer, Instant now) {
        Duration age = Duration.between(answer.fetchedAt(), now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            return "the catalog lookup took too long";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName()
                : CatalogText.printable(cause.getMessage());
    }

    private long nanos() {
        return TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }

    /** For tests: cached answers right now. */
    long cachedUsers() {
        answers.cleanUp();
        return answers.estimatedSize();
    }

    List<String> inFlightUsers() {
        return List.copyOf(inFlight.keySet());
    }
}
