package io.hlbridge.engine.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.support.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * A transaction whose connection breaks says so: the database went away, not "Connection is closed".
 * Rolling back and restoring auto-commit on a broken connection fail too, and their failure used to
 * replace the real one. Then ActionQueue did not see an outage, gave up on writing an outcome, and the
 * action was done twice in HighLevel (DatabaseOutageIT: 143 tag calls for 142 events).
 */
class SqlTransactionIT {

    @Test
    void aTransactionWhoseConnectionBreaksFailsAsTheDatabaseBeingUnavailable() {
        try (HikariDataSource pool = TestDatabase.migratedPool(2)) {
            Throwable failure = catchThrowable(() -> Sql.inTransaction(pool,
                    c -> Sql.first(c, "SELECT pg_terminate_backend(pg_backend_pid())", rs -> rs.getBoolean(1))));

            assertThat(failure).isNotNull();
            assertThat(SqlErrors.isDatabaseUnavailable(failure)).as("%s", failure).isTrue();
            // and the pool goes on: the broken connection is gone, a new one works
            java.util.Optional<Integer> one = Sql.inTransaction(pool, c -> Sql.first(c, "SELECT 1", rs -> rs.getInt(1)));
            assertThat(one).hasValue(1);
        }
    }

    /**
     * The last statements of a transaction carry its COMMIT (the inbox stage's batch, the actions' outcome
     * group): the rows are committed when the one driver call returns, before the caller's own commit(),
     * which then has nothing left to do.
     */
    @Test
    void statementsSentWithTheCommitAreCommittedByThatOneCall() {
        try (HikariDataSource pool = TestDatabase.migratedPool(2)) {
            Sql.autoCommit(pool, c -> Sql.update(c, "CREATE TABLE IF NOT EXISTS sql_commit_it (n int, label text)"));
            Sql.autoCommit(pool, c -> Sql.update(c, "TRUNCATE sql_commit_it"));

            Sql.inTransaction(pool, c -> {
                Sql.update(c, "INSERT INTO sql_commit_it VALUES (1, 'before')");
                Sql.runAndCommit(c, List.of(new Sql.Statement("INSERT INTO sql_commit_it VALUES (?, ?)", 2, "with"),
                        new Sql.Statement("UPDATE sql_commit_it SET label = label || '!' WHERE n = ?", 1)));

                assertThat(c.unwrap(BaseConnection.class).getTransactionState()).isEqualTo(TransactionState.IDLE);
                // another connection already sees all of it, in the order sent
                List<String> seenElsewhere = Sql.autoCommit(pool, other -> Sql.list(other,
                        "SELECT n || ':' || label FROM sql_commit_it ORDER BY n", rs -> rs.getString(1)));
                assertThat(seenElsewhere).containsExactly("1:before!", "2:with");
                return null;
            });
        }
    }

    @Test
    void aStatementThatFailsBeforeTheCommitRollsTheWholeTransactionBack() {
        try (HikariDataSource pool = TestDatabase.migratedPool(2)) {
            Sql.autoCommit(pool, c -> Sql.update(c, "CREATE TABLE IF NOT EXISTS sql_rollback_it (n int)"));
            Sql.autoCommit(pool, c -> Sql.update(c, "TRUNCATE sql_rollback_it"));

            Throwable failure = catchThrowable(() -> Sql.inTransaction(pool, c -> {
                Sql.update(c, "INSERT INTO sql_rollback_it VALUES (1)");
                Sql.runAndCommit(c, List.of(new Sql.Statement("INSERT INTO sql_rollback_it VALUES (2)"),
                        new Sql.Statement("INSERT INTO sql_rollback_it VALUES (CAST(? AS int))", "not a number"),
                        new Sql.Statement("INSERT INTO sql_rollback_it VALUES (3)")));
                return null;
            }));

            assertThat(failure).hasMessageContaining("not a number");
            assertThat(rows(pool)).isZero();
            // the connection went back to the pool clean: the next transaction works and commits
            Sql.inTransaction(pool, c -> {
                Sql.runAndCommit(c, List.of(new Sql.Statement("INSERT INTO sql_rollback_it VALUES (4)")));
                return null;
            });
            assertThat(rows(pool)).isEqualTo(1);
        }
    }

    /**
     * The inbox batch's statement answers the jobs it handed off to the workers, sent with the products seen and the
     * COMMIT: its rows come back only once all of it is committed, and a later statement's failure fails the call
     * and rolls back whole, so no job is handed to a worker from a transaction that did not happen.
     */
    @Test
    void rowsAnsweredBeforeTheCommitComeBackOnlyWhenItAllCommitted() {
        try (HikariDataSource pool = TestDatabase.migratedPool(2)) {
            Sql.autoCommit(pool, c -> Sql.update(c, "CREATE TABLE IF NOT EXISTS sql_list_commit_it (n int)"));
            Sql.autoCommit(pool, c -> Sql.update(c, "TRUNCATE sql_list_commit_it"));
            Sql.Statement insert = new Sql.Statement("INSERT INTO sql_list_commit_it SELECT g FROM generate_series(1, CAST(? AS int)) g RETURNING n", 3);

            List<Integer> answered = Sql.inTransaction(pool, c -> Sql.listAndCommit(c, List.of(Sql.GENERIC_PLANS), insert, rs -> rs.getInt(1),
                    List.of(new Sql.Statement("UPDATE sql_list_commit_it SET n = n * 10 WHERE n = ?", 3))));

            assertThat(answered).containsExactly(1, 2, 3);
            assertThat(listed(pool)).containsExactly(1, 2, 30);

            Throwable failure = catchThrowable(() -> Sql.inTransaction(pool, c -> Sql.listAndCommit(c, List.of(Sql.GENERIC_PLANS), insert, rs -> rs.getInt(1),
                    List.of(new Sql.Statement("INSERT INTO sql_list_commit_it VALUES (CAST(? AS int))", "not a number")))));

            assertThat(failure).hasMessageContaining("not a number");
            assertThat(listed(pool)).as("the failed call's rows rolled back").containsExactly(1, 2, 30);
        }
    }

    private static List<Integer> listed(HikariDataSource pool) {
        return Sql.autoCommit(pool, c -> Sql.list(c, "SELECT n FROM sql_list_commit_it ORDER BY n", rs -> rs.getInt(1)));
    }

    private static int rows(HikariDataSource pool) {
        java.util.Optional<Integer> count = Sql.autoCommit(pool, c -> Sql.first(c, "SELECT count(*) FROM sql_rollback_it", rs -> rs.getInt(1)));
        return count.orElseThrow();
    }
}
