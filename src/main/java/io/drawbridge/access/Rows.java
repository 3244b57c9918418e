package io.drawbridge.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading and writing the two tables' rows; times go in and come out as UTC. */
final class Rows {

    private static final String REQUEST_COLUMNS = "SELECT id, route, issuer, subject, requester_name,"
            + " requester_email, duration_seconds, reason, state, created_at, expires_at, decided_by, decided_at"
            + " FROM access_request ";
    private static final String GRANT_COLUMNS = "SELECT id, request_id, route, issuer, subject, holder_name,"
            + " holder_email, starts_at, ends_at, approved_by, revoked_at, revoked_by FROM access_grant ";

    private Rows() {
    }

    static void insert(Connection c, AccessRequest r, String requesterKey) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO access_request (id, route, issuer, subject,"
                + " requester_key, requester_name, requester_email, duration_seconds, reason, state, created_at,"
                + " expires_at, open_route) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?)")) {
            s.setString(1, r.id());
            s.setString(2, r.route());
            s.setString(3, r.requester().issuer());
            s.setString(4, r.requester().subject());
            s.setString(5, requesterKey);
            s.setString(6, r.requester().name());
            s.setString(7, r.requester().email());
            s.setLong(8, r.duration().toSeconds());
            s.setString(9, r.reason());
            instant(s, 10, r.createdAt());
            instant(s, 11, r.expiresAt());
            s.setString(12, r.route());
            s.executeUpdate();
        }
    }

    static void insert(Connection c, Grant g) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO access_grant (id, request_id, route, issuer,"
                + " subject, holder_key, holder_name, holder_email, starts_at, ends_at, approved_by)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, g.id());
            s.setString(2, g.requestId());
            s.setString(3, g.route());
            s.setString(4, g.holder().issuer());
            s.setString(5, g.holder().subject());
            s.setString(6, AccessIds.personKey(g.holder().issuer(), g.holder().subject()));
            s.setString(7, g.holder().name());
            s.setString(8, g.holder().email());
            instant(s, 9, g.startsAt());
            instant(s, 10, g.endsAt());
            s.setString(11, g.approvedBy());
            s.executeUpdate();
        }
    }

    static Optional<AccessRequest> request(Connection c, String id) throws SQLException {
        return requests(c, "WHERE id = ?", id).stream().findFirst();
    }

    static Optional<Grant> grant(Connection c, String id) throws SQLException {
        return grants(c, "WHERE id = ?", id).stream().findFirst();
    }

    /** Requests matching {@code where}, whose parameters are strings or instants. */
    static List<AccessRequest> requests(Connection c, String where, Object... params) throws SQLException {
        List<AccessRequest> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(REQUEST_COLUMNS + where)) {
            bind(s, params);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new AccessRequest(rs.getString(1), rs.getString(2),
                            new Requester(rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)),
                            Duration.ofSeconds(rs.getLong(7)), rs.getString(8), RequestState.valueOf(rs.getString(9)),
                            instant(rs, 10), instant(rs, 11), rs.getString(12), instant(rs, 13)));
                }
            }
        }
        return out;
    }

    static List<Grant> grants(Connection c, String where, Object... params) throws SQLException {
        List<Grant> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(GRANT_COLUMNS + where)) {
            bind(s, params);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Grant(rs.getString(1), rs.getString(2), rs.getString(3),
                            new Requester(rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)),
                            instant(rs, 8), instant(rs, 9), rs.getString(10), instant(rs, 11), rs.getString(12)));
                }
            }
        }
        return out;
    }

    private static void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            if (params[i] instanceof Instant t) {
                instant(s, i + 1, t);
            } else {
                s.setString(i + 1, (String) params[i]);
            }
        }
    }

    static void instant(PreparedStatement s, int index, Instant t) throws SQLException {
        s.setObject(index, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
    }

    private static Instant instant(ResultSet rs, int index) throws SQLException {
        OffsetDateTime t = rs.getObject(index, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
