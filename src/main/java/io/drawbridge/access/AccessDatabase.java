package io.drawbridge.access;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's connection pool, and its schema brought up to date by Flyway from {@code classpath:db/access}. A
 * database that does not answer within {@link #CONNECT_TIMEOUT} is an {@link AccessStoreUnavailable}, never a hang.
 */
final class AccessDatabase implements AutoCloseable {

    /** How long a caller waits for a connection before the store is called unavailable. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long one statement may wait on a silent PostgreSQL server (its driver's {@code socketTimeout}). */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    /** Flyway's history table: its own name, so the store can share a schema with other applications. */
    static final String HISTORY_TABLE = "drawbridge_access_schema_history";

    private static final Logger LOG = LoggerFactory.getLogger(AccessDatabase.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final HikariDataSource pool;

    private AccessDatabase(HikariDataSource pool) {
        this.pool = pool;
    }

    /** A pool on {@code jdbcUrl} with the schema migrated; the pool is closed again if migration fails. */
    static AccessDatabase open(String jdbcUrl, String user, String password) {
        HikariDataSource pool = new HikariDataSource(config(jdbcUrl, user, password));
        try {
            Flyway.configure(AccessDatabase.class.getClassLoader())
                    .dataSource(pool)
                    .locations("classpath:db/access")
                    .table(HISTORY_TABLE)
                    // a schema that already holds other tables gets ours beside them (baseline 0 keeps V1)
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
            return new AccessDatabase(pool);
        } catch (FlywayException e) {
            pool.close();
            throw new AccessStoreUnavailable("access store schema could not be migrated: " + cause(e), e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static HikariConfig config(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null || !(jdbcUrl.startsWith("jdbc:h2:") || jdbcUrl.startsWith("jdbc:postgresql:"))) {
            throw new IllegalArgumentException("the access store needs a jdbc:h2: or jdbc:postgresql: URL");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("drawbridge-access");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        config.setValidationTimeout(Duration.ofSeconds(1).toMillis());
        // start even when the database is down: Flyway then fails within the connection timeout, clearly
        config.setInitializationFailTimeout(-1);
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            // defaults only: parameters written in the URL win
            config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
            config.addDataSourceProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
            config.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT.toSeconds()));
            config.addDataSourceProperty("ApplicationName", "drawbridge");
        }
        return config;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on a pooled connection; SQL failures become the store's exceptions. */
    <T> T connection(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** One transaction: committed if {@code work} returns, rolled back if it throws. */
    <T> T transaction(Work<T> work) {
        return connection(c -> {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it, and the original failure is what matters
        }
    }

    /** A unique violation is a request raced by another (a conflict); anything else, the store failing. */
    private static RuntimeException failure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return new RequestConflict("an access request for this route is already open");
            }
        }
        String cause = cause(e);
        LOG.debug("access store failed: {}", cause);
        return new AccessStoreUnavailable("access store unavailable: " + cause, e);
    }

    @Override
    public void close() {
        pool.close();
    }

    /** The innermost SQL state or exception type: enough to diagnose, and never a value or a credential. */
    static String cause(Throwable e) {
        Throwable t = e;
        String state = null;
        while (t != null) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                state = sql.getSQLState();
            }
            if (t.getCause() == null || t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (state == null ? "" : " (SQL state " + state + ")");
    }
}
