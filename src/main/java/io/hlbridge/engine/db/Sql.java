package io.hlbridge.engine.db;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import javax.sql.DataSource;

/**
 * Plain JDBC for the statements on the hot path (every webhook, event and action). Jdbi stays for
 * everything else; measured in bench/deliver, its binding and mapping cost about twice the driver's
 * own work on these small statements. Parameters are positional ({@code ?}); an {@link Instant}
 * binds as {@code timestamptz}, a {@link TextArray} as {@code text[]}.
 */
public final class Sql {
    private Sql() {
    }

    /**
     * A one-row relation to join into a statement whose transaction need not wait for its commit to
     * reach the disk: it sets {@code synchronous_commit = off} for that transaction only (set_config's
     * "local"), so a single auto-committed statement needs no SET round trip. For the work derived
     * from accepted events (the inbox stage's batch, an action's claim, pacing, outcome): a database
     * that crashes loses at most its last ~0.6 s of these commits (3 × wal_writer_delay), whole and in
     * order, and what they did is redone from what is durable (the inbox row, a pending job); a webhook's
     * own insert, and every API and OAuth write, keep the synchronous commit (docs/reliability.md).
     */
    public static final String ASYNC_COMMIT = "(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit";

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Work on one connection (and so one transaction when auto-commit is off). */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** A {@code text[]} parameter. */
    public record TextArray(Collection<String> values) {
    }

    public static TextArray texts(Collection<String> values) {
        return new TextArray(values);
    }

    /** Runs {@code work} on a pooled connection with auto-commit: each statement commits on its own. */
    public static <T> T autoCommit(DataSource ds, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public static <T> T inTransaction(DataSource ds, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            T result;
            try {
                result = work.run(c);
                c.commit();
            } catch (Throwable e) {
                // any Throwable, an Error too: rolled back before auto-commit is on again, which would
                // commit whatever the transaction had done so far. On a broken connection the cleanup fails
                // too ("Connection is closed"); it must not hide why the work failed (a database gone away,
                // which callers wait out: ActionQueue's outcomes, the workers, the 503s)
                try {
                    c.rollback();
                    c.setAutoCommit(true);
                } catch (SQLException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            try {
                c.setAutoCommit(true);
            } catch (SQLException brokenAfterCommit) {
                // committed: the pool discards a broken connection and resets a live one's auto-commit anyway
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A statement and its arguments, to be sent together with others ({@link #runAndCommit}). */
    public record Statement(String sql, Object... args) {
    }

    /**
     * Runs {@code statements} in order in one round trip: the driver sends them together and reads
     * their answers once. When one fails, the database skips the rest (and the transaction fails).
     */
    public static void runAll(Connection c, List<Statement> statements) throws SQLException {
        if (statements.isEmpty()) {
            return;
        }
        Statement all = joined(statements);
        update(c, all.sql(), all.args());
    }

    /** The statements as one text, separated by semicolons, with their arguments in order. */
    private static Statement joined(List<Statement> statements) {
        StringJoiner sql = new StringJoiner(";\n");
        List<Object> args = new ArrayList<>();
        for (Statement s : statements) {
            sql.add(s.sql());
            args.addAll(Arrays.asList(s.args()));
        }
        return new Statement(sql.toString(), args.toArray());
    }

    private static final Statement COMMIT = new Statement("COMMIT");

    /**
     * Runs {@code statements} in order, then commits the transaction, all in one round trip, where
     * {@link Connection#commit} would cost a round trip of its own (it then finds nothing to do). It is
     * the transaction's last work: a statement run after it would begin a new transaction. When one
     * fails, the database skips the rest, the {@code COMMIT} too, and the caller's transaction rolls back
     * as it would have. With no statements, it just commits.
     */
    public static void runAndCommit(Connection c, List<Statement> statements) throws SQLException {
        if (statements.isEmpty()) {
            c.commit();
            return;
        }
        List<Statement> withCommit = new ArrayList<>(statements);
        withCommit.add(COMMIT);
        runAll(c, withCommit);
    }

    /** Makes the transaction's later statements use their generic plan ({@code SET LOCAL}: until it ends). */
    public static final Statement GENERIC_PLANS = new Statement("SET LOCAL plan_cache_mode = force_generic_plan");

    /**
     * As {@link #runAll} for {@code before}, {@code query} and {@code after}, in one round trip, where
     * {@code query} answers rows: they are returned, read once every statement has succeeded.
     */
    public static <T> List<T> listAmong(Connection c, List<Statement> before, Statement query, Row<T> row, List<Statement> after)
            throws SQLException {
        List<Statement> statements = new ArrayList<>(before);
        statements.add(query);
        statements.addAll(after);
        Statement all = joined(statements);
        try (PreparedStatement ps = c.prepareStatement(all.sql())) {
            bind(c, ps, all.args());
            boolean rows = ps.execute();
            for (int i = 0; i < before.size(); i++) {
                rows = ps.getMoreResults();
            }
            if (!rows) {
                throw new SQLException("the statement answered no rows: " + query.sql());
            }
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.getResultSet()) {
                while (rs.next()) {
                    out.add(row.map(rs));
                }
            }
            return out;
        }
    }

    /** As {@link #listAmong}, then commits the transaction in the same round trip ({@link #runAndCommit}). */
    public static <T> List<T> listAndCommit(Connection c, List<Statement> before, Statement query, Row<T> row, List<Statement> after)
            throws SQLException {
        List<Statement> withCommit = new ArrayList<>(after);
        withCommit.add(COMMIT);
        return listAmong(c, before, query, row, withCommit);
    }

    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, args);
            return ps.executeUpdate();
        }
    }

    public static <T> List<T> list(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.map(rs));
                }
                return out;
            }
        }
    }

    public static <T> Optional<T> first(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
            }
        }
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    public static List<String> strings(ResultSet rs, String column) throws SQLException {
        Array a = rs.getArray(column);
        return a == null ? List.of() : List.of((String[]) a.getArray());
    }

    private static void bind(Connection c, PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            int at = i + 1;
            if (a == null) {
                ps.setNull(at, Types.NULL);
            } else if (a instanceof Instant t) {
                ps.setObject(at, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
            } else if (a instanceof TextArray t) {
                ps.setArray(at, c.createArrayOf("text", t.values().toArray(new String[0])));
            } else {
                ps.setObject(at, a);
            }
        }
    }
}
