package io.hlbridge.engine.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.support.TestDatabase;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rolling retention looks only at the marketplaces that wrote entries: with every marketplace looked at
 * every second, an idle replica serving 10,000 marketplaces spent half a core on it.
 */
class EventLogRetentionIT {
    static final int KEEP = 3;
    HikariDataSource pool;
    Jdbi jdbi;
    EventLogRetention retention;

    @BeforeEach
    void database() {
        pool = TestDatabase.migratedPool(4);
        jdbi = Jdbi.create(pool);
        retention = new EventLogRetention(jdbi, KEEP);
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO marketplace (id, name, api_key_hash, webhook_secret_enc)
                SELECT 'mkt_' || g, 'M ' || g, 'hash' || g, 'enc' FROM generate_series(1, 200) g"""));
    }

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void theFirstPassLooksAtEveryMarketplace_laterPassesOnlyAtThoseThatWroteEntries() {
        jdbi.useHandle(h -> {
            for (int m = 1; m <= 200; m++) {
                entries(h, "mkt_" + m, 5);
            }
        });
        assertThat(retention.prune()).isEqualTo(200 * 2);
        assertThat(retention.lookedAtLastPass()).isEqualTo(200);

        assertThat(retention.prune()).isZero();
        assertThat(retention.lookedAtLastPass()).isZero();

        jdbi.useHandle(h -> {
            entries(h, "mkt_7", 4);
            entries(h, "mkt_150", 1);
        });
        assertThat(retention.prune()).isEqualTo(4 + 1);
        assertThat(retention.lookedAtLastPass()).isEqualTo(2);
        assertThat(count("mkt_7")).isEqualTo(KEEP);
        assertThat(count("mkt_150")).isEqualTo(KEEP);
        assertThat(count("mkt_8")).isEqualTo(KEEP);
        // the newest stay
        long newest = jdbi.withHandle(h -> h.createQuery("SELECT max(seq) FROM event_log").mapTo(Long.class).one());
        long newestOf150 = jdbi.withHandle(h -> h.createQuery("SELECT max(seq) FROM event_log WHERE marketplace_id = 'mkt_150'")
                .mapTo(Long.class).one());
        assertThat(newestOf150).isEqualTo(newest);

        // looked at again in the next passes (entries may commit after a pass has read past them), then not
        retention.prune();
        retention.prune();
        retention.prune();
        assertThat(retention.lookedAtLastPass()).isZero();
    }

    @Test
    void anEntryCommittedAfterNewerOnesIsStillPrunedInTime() {
        long[] now = {0};
        EventLogRetention retention = new EventLogRetention(jdbi, 30, () -> now[0]);
        jdbi.useHandle(h -> {
            entries(h, "mkt_1", 30);
            entries(h, "mkt_2", 30);
        });
        retention.prune();
        try (Handle slow = jdbi.open()) {
            slow.begin();
            entries(slow, "mkt_1", 2); // its seqs are taken now, visible only at the commit below
            jdbi.useHandle(h -> entries(h, "mkt_2", 3));
            assertThat(retention.prune()).isEqualTo(3);
            slow.commit();
        }
        // older seqs than the last pass read, so not counted as written since it: cut within AT_MOST_EVERY
        assertThat(retention.prune()).isZero();
        now[0] += EventLogRetention.AT_MOST_EVERY;
        assertThat(retention.prune()).isEqualTo(2);
        assertThat(count("mkt_1")).isEqualTo(30);
    }

    @Test
    void aMarketplaceWritingLittleIsCutAtMostEveryTenSeconds_oneWritingMuchAtEveryPass() {
        long[] now = {0};
        EventLogRetention throttled = new EventLogRetention(jdbi, 30, () -> now[0]);
        throttled.prune(); // the first pass: every marketplace, none over its limit
        jdbi.useHandle(h -> entries(h, "mkt_1", 31));
        assertThat(throttled.prune()).isEqualTo(1); // not cut in the last 10 s: cut at once
        jdbi.useHandle(h -> entries(h, "mkt_1", 2)); // fewer than a tenth of 30 (3)
        assertThat(throttled.prune()).isZero();
        assertThat(count("mkt_1")).isEqualTo(32);
        now[0] += EventLogRetention.AT_MOST_EVERY;
        assertThat(throttled.prune()).isEqualTo(2);
        assertThat(count("mkt_1")).isEqualTo(30);

        jdbi.useHandle(h -> entries(h, "mkt_1", 3)); // a tenth: cut at the next pass, though it was cut just now
        assertThat(throttled.prune()).isEqualTo(3);
        assertThat(count("mkt_1")).isEqualTo(30);
    }

    private static void entries(Handle h, String marketplace, int n) {
        for (int i = 0; i < n; i++) {
            h.createUpdate("INSERT INTO event_log (id, marketplace_id, kind, status) VALUES (:id, :m, 'event', 'accepted')")
                    .bind("id", "log_" + UUID.randomUUID()).bind("m", marketplace).execute();
        }
    }

    private int count(String marketplace) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM event_log WHERE marketplace_id = :m")
                .bind("m", marketplace).mapTo(Integer.class).one());
    }
}
