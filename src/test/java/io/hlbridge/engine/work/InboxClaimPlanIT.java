package io.hlbridge.engine.work;

import static org.assertj.core.api.Assertions.assertThat;

import io.hlbridge.engine.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The inbox claim stays one index probe per candidate when a burst arrives after a quiet spell: the
 * planner's statistics still count a few pending events, the inbox holds thousands. Written as
 * NOT EXISTS, the claim became an anti-join comparing each candidate with every pending event
 * (70-120 ms a claim at 3,000 pending, in bench/ingest).
 */
class InboxClaimPlanIT {
    @Test
    void aBurstAfterAQuietSpellIsClaimedByIndexProbes_notByComparingEveryPendingEvent() throws Exception {
        String url = TestDatabase.newDatabase();
        Flyway.configure().dataSource(url, "postgres", "").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("INSERT INTO marketplace (id, name, api_key_hash, webhook_secret_enc) VALUES ('mkt_b', 'B', 'h', 'x')");
            // kept as they are until the EXPLAIN: the burst's 4,980 rows would otherwise call autovacuum's ANALYZE
            s.execute("ALTER TABLE inbox_event SET (autovacuum_enabled = false)");
            insertPending(s, 0, 20);
            s.execute("ANALYZE inbox_event"); // the quiet spell's statistics: 20 pending
            insertPending(s, 20, 5000); // the burst: 1,000 customers, 5 events each after their first

            c.setAutoCommit(false);
            List<String> plan = new ArrayList<>();
            try (PreparedStatement explain = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + InboxWorker.claimAndComplete(64))) {
                try (ResultSet rs = explain.executeQuery()) {
                    while (rs.next()) {
                        plan.add(rs.getString(1));
                    }
                }
            }
            c.rollback();
            String text = String.join("\n", plan);
            assertThat(text).as(text).doesNotContain("Anti Join").doesNotContain("Rows Removed by Join Filter")
                    .contains("inbox_event_pending ");
            assertThat(text).as(text).contains("rows=64 loops=1");

            // and what it claims is right: the oldest pending event of 64 different customers
            List<String> keys = new ArrayList<>();
            try (PreparedStatement claim = c.prepareStatement(InboxWorker.claimAndComplete(64))) {
                try (ResultSet rs = claim.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getString(3));
                    }
                }
            }
            c.commit();
            assertThat(keys).hasSize(64).doesNotHaveDuplicates();
            try (ResultSet rs = s.executeQuery("""
                    SELECT count(*) FROM inbox_event e WHERE e.status = 'done' AND EXISTS (
                        SELECT 1 FROM inbox_event p WHERE p.status = 'pending' AND p.ordering_key = e.ordering_key AND p.id < e.id)""")) {
                rs.next();
                assertThat(rs.getInt(1)).as("events claimed before an older one of their customer").isZero();
            }
        }
    }

    @Test
    void theOneAtATimeClaimLeasesEachCustomersOldestEvent() throws Exception {
        try (com.zaxxer.hikari.HikariDataSource pool = TestDatabase.migratedPool(2);
             Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO marketplace (id, name, api_key_hash, webhook_secret_enc) VALUES ('mkt_b', 'B', 'h', 'x')");
            insertPending(s, 0, 2000); // 1,000 customers, 2 events each
            List<InboxWorker.ClaimedEvent> leased = new InboxWorker(pool, null, null, () -> 0).claim(5);
            assertThat(leased).extracting(InboxWorker.ClaimedEvent::webhookId).containsExactly("wh_0", "wh_1", "wh_2", "wh_3", "wh_4");
            try (ResultSet rs = s.executeQuery("""
                    SELECT count(*) FROM inbox_event WHERE status = 'pending'
                       AND lease_until BETWEEN now() + interval '10 seconds' AND now() + interval '20 seconds'""")) {
                rs.next();
                assertThat(rs.getInt(1)).as("leased for InboxWorker.LEASE_SECONDS, still pending").isEqualTo(5);
            }
            assertThat(new InboxWorker(pool, null, null, () -> 0).claim(5)).extracting(InboxWorker.ClaimedEvent::webhookId)
                    .as("the leased ones are skipped").containsExactly("wh_5", "wh_6", "wh_7", "wh_8", "wh_9");
        }
    }

    /** Events {@code from..to-1}: customer {@code n % 1000}, each its own webhook. */
    private static void insertPending(Statement s, int from, int to) throws Exception {
        s.execute("""
                INSERT INTO inbox_event (marketplace_id, webhook_id, event_type, ordering_key, payload)
                SELECT 'mkt_b', 'wh_' || n, 'order.completed', 'c' || (n %% 1000) || '@x.example', '{}'::jsonb
                  FROM generate_series(%d, %d) AS n""".formatted(from, to - 1));
    }
}
