package io.hlbridge.engine.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.support.TestDatabase;
import java.sql.Connection;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tables every event writes to are analyzed from a small sample (V22): autovacuum analyzes them at
 * almost every visit under load, and at the default target each pass sorted 30,000 rows per column.
 */
class StatisticsSamplesIT {
    static final String TABLES = "'action_job'::regclass, 'inbox_event'::regclass, 'fired_trigger'::regclass, "
            + "'purchase'::regclass, 'contact_ref'::regclass, 'prospect'::regclass, 'refund_line'::regclass, "
            + "'subscription_charge'::regclass, 'subscription_state'::regclass";

    static HikariDataSource pool;

    @BeforeAll
    static void database() {
        pool = TestDatabase.migratedPool(2);
        TestDatabase.connectedIntegration(pool, "mkt_s", "int_s", "loc_s");
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void everyColumnAndIndexExpressionOfTheBusyTablesHasASmallTarget() {
        // a column (or an index on an expression) added later without its target would bring the 30,000-row sample back
        List<String> atDefault = Sql.autoCommit(pool, c -> Sql.list(c, """
                SELECT a.attrelid::regclass || '.' || a.attname || ' = ' || coalesce(a.attstattarget::text, 'default')
                  FROM pg_attribute a
                 WHERE a.attnum > 0 AND NOT a.attisdropped AND NOT coalesce(a.attstattarget BETWEEN 0 AND 10, false)
                   AND (a.attrelid IN (%s)
                        OR EXISTS (SELECT 1 FROM pg_index i  -- an index's column that is an expression (key 0)
                                    WHERE i.indexrelid = a.attrelid AND i.indrelid IN (%s) AND i.indkey[a.attnum - 1] = 0))
                 ORDER BY 1""".formatted(TABLES, TABLES), rs -> rs.getString(1)));
        assertEquals(List.of(), atDefault);
    }

    @Test
    void anAnalyzeOfTheActionQueueSamplesThreeThousandRows() throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO action_job (log_id, marketplace_id, integration_id, action, trigger, event_id, customer, source, status)
                    SELECT 'log_s' || n, 'mkt_s', 'int_s', 'add_tags', 'product.purchased', 'evt_s' || n,
                           jsonb_build_object('email', 'buyer' || n || '@example.com', 'firstName', 'Ada'), 'webhook', 'succeeded'
                      FROM generate_series(1, 5000) AS n""");
            s.execute("ANALYZE VERBOSE action_job");
            List<String> notices = new ArrayList<>();
            for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                notices.add(w.getMessage());
            }
            assertTrue(notices.stream().anyMatch(n -> n.contains("5000 live rows") && n.contains("3000 rows in sample")),
                    "ANALYZE said: " + notices);
        }
    }
}
