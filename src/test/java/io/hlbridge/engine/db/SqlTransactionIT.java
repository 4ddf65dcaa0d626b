package io.hlbridge.engine.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.support.TestDatabase;
import org.junit.jupiter.api.Test;

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
}
