package io.drawbridge.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AccessStore} on JDBC: an embedded H2 file database for one replica ({@code jdbc:h2:file:...}), or
 * PostgreSQL shared by replicas ({@code jdbc:postgresql://...}). Every decision is one conditional update
 * ({@code ... WHERE state = 'PENDING'}), so concurrent replicas cannot both approve, and one open request per person
 * and route is a unique constraint. Logs ids and states at DEBUG, never a reason or a credential.
 */
public final class JdbcAccessStore implements AccessStore {

    /** The longest reason kept, in characters. */
    public static final int MAX_REASON = 2000;
    /** The longest route name, and the longest issuer, subject, name, e-mail or approver, in characters. */
    public static final int MAX_ROUTE = 200;
    public static final int MAX_TEXT = 500;
    /** How many overdue requests one {@link #expireUnanswered} call retires at most; the next call takes the rest. */
    static final int EXPIRY_BATCH = 500;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcAccessStore.class);

    private final AccessDatabase db;
    /** Overdue requests a {@link #submit} retired to make room: reported by the next {@link #expireUnanswered}. */
    private final Queue<AccessRequest> retired = new ConcurrentLinkedQueue<>();

    private JdbcAccessStore(AccessDatabase db) {
        this.db = db;
    }

    /**
     * Opens the store and migrates its schema.
     *
     * @throws AccessStoreUnavailable   if the database does not answer within the connection timeout
     * @throws IllegalArgumentException if the URL is neither {@code jdbc:h2:} nor {@code jdbc:postgresql:}
     */
    public static JdbcAccessStore open(String jdbcUrl, String user, String password) {
        return new JdbcAccessStore(AccessDatabase.open(jdbcUrl, user, password));
    }

    @Override
    public AccessRequest submit(String route, Requester requester, Duration duration, String reason, Instant now,
            Instant expiresAt, int maxOpenPerUser) {
        Instant at = ms(now);
        Instant expires = ms(expiresAt);
        Fields.text("route", route, MAX_ROUTE, false);
        Fields.person(requester);
        Fields.text("reason", reason, MAX_REASON, true);
        Fields.positive(duration);
        if (!expires.isAfter(at)) {
            throw new IllegalArgumentException("a request must expire after it is made");
        }
        if (maxOpenPerUser < 1) {
            throw new IllegalArgumentException("maxOpenPerUser must be at least 1");
        }
        String key = AccessIds.personKey(requester.issuer(), requester.subject());
        AccessRequest made = new AccessRequest(AccessIds.random(), route, requester,
                Duration.ofSeconds(duration.toSeconds()), reason, RequestState.PENDING, at, expires, null, null);
        List<AccessRequest> overdue = db.transaction(c -> {
            List<AccessRequest> retiring = retireOverdue(c, key, route, at);
            List<String> open = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT route FROM access_request"
                    + " WHERE requester_key = ? AND state = 'PENDING' AND expires_at > ?")) {
                s.setString(1, key);
                Rows.instant(s, 2, at);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        open.add(rs.getString(1));
                    }
                }
            }
            if (open.contains(route)) {
                throw new RequestConflict("an access request for this route is already open");
            }
            if (open.size() >= maxOpenPerUser) {
                throw new TooManyRequests(maxOpenPerUser);
            }
            Rows.insert(c, made, key);
            return retiring;
        });
        retired.addAll(overdue);
        LOG.debug("access request {} for route {} submitted", made.id(), route);
        return made;
    }

    /** Expires the person's overdue pending request for the route, if any, so a new one may take its place. */
    private static List<AccessRequest> retireOverdue(Connection c, String key, String route, Instant now)
            throws SQLException {
        List<AccessRequest> done = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM access_request WHERE requester_key = ?"
                + " AND open_route = ? AND state = 'PENDING' AND expires_at <= ?")) {
            s.setString(1, key);
            s.setString(2, route);
            Rows.instant(s, 3, now);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        for (String id : ids) {
            if (expire(c, id)) {
                Rows.request(c, id).ifPresent(done::add);
            }
        }
        return done;
    }

    @Override
    public Optional<AccessRequest> request(String id) {
        return id == null ? Optional.empty() : db.connection(c -> Rows.request(c, id));
    }

    @Override
    public List<AccessRequest> pending(Instant now) {
        return db.connection(c -> Rows.requests(c, "WHERE state = 'PENDING' AND expires_at > ?"
                + " ORDER BY created_at, id", ms(now)));
    }

    @Override
    public List<AccessRequest> requestsBy(String issuer, String subject) {
        return db.connection(c -> Rows.requests(c, "WHERE requester_key = ? ORDER BY created_at DESC, id",
                AccessIds.personKey(issuer, subject)));
    }

    @Override
    public Grant approve(String requestId, String approvedBy, Duration duration, Instant now) {
        Instant at = ms(now);
        Fields.text("approvedBy", approvedBy, MAX_TEXT, false);
        if (duration != null) {
            Fields.positive(duration);
        }
        Grant grant = db.transaction(c -> {
            decide(c, requestId, RequestState.APPROVED, approvedBy, at);
            AccessRequest r = Rows.request(c, requestId).orElseThrow();
            Instant ends = ms(at.plus(duration == null ? r.duration() : duration));
            Grant g = new Grant(AccessIds.random(), r.id(), r.route(), r.requester(), at, ends, approvedBy, null,
                    null);
            Rows.insert(c, g);
            return g;
        });
        LOG.debug("access request {} approved as grant {}", requestId, grant.id());
        return grant;
    }

    @Override
    public AccessRequest reject(String requestId, String rejectedBy, Instant now) {
        Fields.text("rejectedBy", rejectedBy, MAX_TEXT, false);
        AccessRequest r = db.transaction(c -> {
            decide(c, requestId, RequestState.REJECTED, rejectedBy, ms(now));
            return Rows.request(c, requestId).orElseThrow();
        });
        LOG.debug("access request {} rejected", requestId);
        return r;
    }

    @Override
    public AccessRequest withdraw(String requestId, Requester requester, Instant now) {
        Fields.person(requester);
        String by = requester.name() != null && !requester.name().isBlank() ? requester.name() : requester.subject();
        AccessRequest r = db.transaction(c -> {
            Optional<AccessRequest> found = Rows.request(c, requestId);
            if (found.isEmpty() || !found.get().requester().is(requester.issuer(), requester.subject())) {
                throw new NoSuchAccessRecord("no such access request of this requester");
            }
            decide(c, requestId, RequestState.WITHDRAWN, by.length() > MAX_TEXT ? by.substring(0, MAX_TEXT) : by,
                    ms(now));
            return Rows.request(c, requestId).orElseThrow();
        });
        LOG.debug("access request {} withdrawn", requestId);
        return r;
    }

    /** Moves a pending, unexpired request to {@code state}, or throws why it cannot. */
    private static void decide(Connection c, String id, RequestState state, String by, Instant now)
            throws SQLException {
        int changed;
        try (PreparedStatement s = c.prepareStatement("UPDATE access_request SET state = ?, decided_by = ?,"
                + " decided_at = ?, open_route = NULL WHERE id = ? AND state = 'PENDING' AND expires_at > ?")) {
            s.setString(1, state.name());
            s.setString(2, by);
            Rows.instant(s, 3, now);
            s.setString(4, id);
            Rows.instant(s, 5, now);
            changed = s.executeUpdate();
        }
        if (changed == 1) {
            return;
        }
        AccessRequest r = Rows.request(c, id)
                .orElseThrow(() -> new NoSuchAccessRecord("no such access request"));
        throw new RequestConflict(r.state() == RequestState.PENDING
                ? "the access request has expired" : "the access request is already " + r.state());
    }

    @Override
    public Grant revoke(String grantId, String revokedBy, Instant now) {
        Instant at = ms(now);
        Fields.text("revokedBy", revokedBy, MAX_TEXT, false);
        Grant g = db.transaction(c -> {
            int changed;
            try (PreparedStatement s = c.prepareStatement("UPDATE access_grant SET revoked_at = ?, revoked_by = ?"
                    + " WHERE id = ? AND revoked_at IS NULL AND ends_at > ?")) {
                Rows.instant(s, 1, at);
                s.setString(2, revokedBy);
                s.setString(3, grantId);
                Rows.instant(s, 4, at);
                changed = s.executeUpdate();
            }
            Grant read = Rows.grant(c, grantId).orElseThrow(() -> new NoSuchAccessRecord("no such grant"));
            if (changed != 1) {
                throw new RequestConflict(read.revokedAt() != null ? "the grant is already revoked"
                        : "the grant has ended");
            }
            return read;
        });
        LOG.debug("grant {} revoked", grantId);
        return g;
    }

    @Override
    public Optional<Grant> grant(String id) {
        return id == null ? Optional.empty() : db.connection(c -> Rows.grant(c, id));
    }

    @Override
    public List<Grant> activeGrants(Instant now) {
        Instant at = ms(now);
        return db.connection(c -> Rows.grants(c, "WHERE revoked_at IS NULL AND starts_at <= ? AND ends_at > ?"
                + " ORDER BY ends_at, id", at, at));
    }

    @Override
    public List<Grant> grantsOf(String issuer, String subject, Instant now) {
        Instant at = ms(now);
        return db.connection(c -> Rows.grants(c, "WHERE holder_key = ? AND revoked_at IS NULL AND starts_at <= ?"
                + " AND ends_at > ? ORDER BY ends_at, id", AccessIds.personKey(issuer, subject), at, at));
    }

    @Override
    public List<AccessRequest> expireUnanswered(Instant now) {
        Instant at = ms(now);
        List<String> overdue = db.connection(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM access_request"
                    + " WHERE state = 'PENDING' AND expires_at <= ? ORDER BY expires_at, id")) {
                s.setMaxRows(EXPIRY_BATCH);
                Rows.instant(s, 1, at);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
        List<AccessRequest> expired = new ArrayList<>();
        for (AccessRequest r; (r = retired.poll()) != null; ) {
            expired.add(r);
        }
        for (String id : overdue) {
            // one short transaction each: another replica racing on the same id finds it no longer PENDING
            db.transaction(c -> expire(c, id) ? Rows.request(c, id) : Optional.<AccessRequest>empty())
                    .ifPresent(expired::add);
        }
        if (!expired.isEmpty()) {
            LOG.debug("{} unanswered access requests expired", expired.size());
        }
        return expired;
    }

    /** Pending → EXPIRED, at the moment it expired; whether this call did it. */
    private static boolean expire(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE access_request SET state = 'EXPIRED',"
                + " decided_at = expires_at, open_route = NULL WHERE id = ? AND state = 'PENDING'")) {
            s.setString(1, id);
            return s.executeUpdate() == 1;
        }
    }

    @Override
    public void close() {
        db.close();
    }

    private static Instant ms(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS);
    }}
