package io.hlbridge.engine.work;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.eventlog.EventLog;
import io.hlbridge.engine.support.TestDatabase;
import io.hlbridge.engine.triggers.Customer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A claim sets only the jobs' lease, an unindexed column: with room left on their page (V21) each claimed
 * job's new version stays on the page it was queued on, so the update is HOT and adds nothing to
 * action_job's five indexes. On pages filled to the brim, claims moved the rows.
 *
 * <p>The room holds about five new versions per page; past that a claim needs the page pruned of the
 * versions earlier claims left dead, which PostgreSQL does only while no other transaction in the database
 * could still see them. A snapshot held anywhere in this database (an autovacuum worker analyzing the
 * catalogs a fresh migration changed is the likely one: CI saw it once) would move rows whatever the
 * fillfactor. So the test analyzes those catalogs itself first, leaving autovacuum no reason to come, and
 * before each claim waits until no other backend in the database holds a snapshot. (Not the engine's own
 * tables: analyzed while empty, action_job gets a claim plan that prunes no page here.)
 */
class HotClaimIT {
    static HikariDataSource pool;

    @BeforeAll
    static void database() {
        pool = TestDatabase.migratedPool(2);
        TestDatabase.connectedIntegration(pool, "mkt_h", "int_h", "loc_h");
        // the catalogs the migration changed, analyzed now: no autovacuum worker comes to analyze them during the claims
        Sql.autoCommit(pool, c -> Sql.update(c, "ANALYZE " + String.join(", ", Sql.list(c,
                "SELECT oid::regclass::text FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace AND relkind = 'r'",
                rs -> rs.getString(1)))));
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void claimsMoveNoJobOffItsPage() {
        ActionQueue queue = new ActionQueue(pool, new EventLog(), new QuietActions());
        // one inbox batch's worth of jobs, queued together by one statement, as a busy turn queues them
        List<ActionQueue.NewJob> jobs = IntStream.range(0, 32).mapToObj(i -> new ActionQueue.NewJob("mkt_h", "int_h", "rul_h",
                "add_tags", List.of("buyer", "course-x"), "product.purchased", "evt_" + i, "order.completed", "prod_1",
                new Customer("buyer" + i + "@example.com", "Ada", "Lovelace", "+15550100" + i, null, null, null, null, null),
                "webhook", true, "HL", null, Json.object(), Json.object())).toList();
        Sql.autoCommit(pool, c -> queue.enqueue(c, null, jobs));
        Map<Long, Integer> queuedOn = pages();

        // claimed a few at a time, as a busy stage claims what was queued since its last turn
        for (int claim = 0; claim < 8; claim++) {
            noOtherSnapshotInTheDatabase();
            assertEquals(4, queue.claimDue(4).size());
        }

        assertEquals(queuedOn, pages(), "every claimed job's new version is on the page it was queued on");
    }

    /** Waits (up to 30 s) until no other backend in this database holds a snapshot that would stop pruning. */
    private static void noOtherSnapshotInTheDatabase() {
        Awaitility.await("no other snapshot in the test's database").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> Sql.autoCommit(pool, c -> Sql.first(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL", rs -> rs.getInt(1)).orElseThrow()) == 0);
    }

    /** Each job's page (the block of its current version's ctid). */
    private static Map<Long, Integer> pages() {
        return Sql.autoCommit(pool, c -> Sql.list(c, "SELECT id, (ctid::text::point)[0]::int FROM action_job",
                rs -> Map.entry(rs.getLong(1), rs.getInt(2)))).stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
