package io.hlbridge.engine.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.eventlog.EventLog;
import io.hlbridge.engine.support.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finished work is forgotten after ENGINE_HISTORY_RETENTION; unfinished work never is, and what the log
 * still shows as failed or canceled stays replayable.
 */
class HistoryRetentionIT {
    static final Duration KEEP = Duration.ofDays(30);
    HikariDataSource pool;
    Jdbi jdbi;
    HistoryRetention retention;

    @BeforeEach
    void database() {
        pool = TestDatabase.migratedPool(4);
        jdbi = Jdbi.create(pool);
        retention = new HistoryRetention(jdbi, KEEP);
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO marketplace (id, name, api_key_hash, webhook_secret_enc) VALUES ('mkt_1', 'M', 'hash', 'enc')"""));
    }

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void forgetsProcessedStoreEventsOlderThanTheRetention_neverAPendingOne() {
        event("evt_old_done", "done", "31 days");
        event("evt_old_pending", "pending", "40 days");
        event("evt_recent_done", "done", "29 days");
        event("evt_new", "pending", "0 days");

        assertThat(retention.forgetOld()).isEqualTo(1);

        assertThat(webhookIds()).containsExactlyInAnyOrder("evt_old_pending", "evt_recent_done", "evt_new");
        // the webhook-id went with it: a redelivery is stored again (the trigger state still fires nothing twice)
        int stored = jdbi.withHandle(h -> h.createUpdate("""
                INSERT INTO inbox_event (marketplace_id, webhook_id, event_type, ordering_key, payload)
                VALUES ('mkt_1', 'evt_old_done', 'order.completed', 'a@example.com', '{}')
                ON CONFLICT DO NOTHING""").execute());
        assertThat(stored).isEqualTo(1);
    }

    @Test
    void forgetsFinishedActions_butKeepsWhatTheLogCanStillReplay_andEverythingUnfinished() {
        job("succeeded_old", "succeeded", "31 days", false);
        job("skipped_old", "skipped", "31 days", true);
        job("failed_old_logged", "failed", "31 days", true);
        job("failed_old_unlogged", "failed", "31 days", false);
        job("canceled_old_logged", "canceled", "60 days", true);
        job("canceled_old_unlogged", "canceled", "60 days", false);
        job("waiting_old", "waiting", "90 days", true);
        job("retrying_old", "retrying", "31 days", true);
        job("pending_old", "pending", "31 days", false);
        job("succeeded_recent", "succeeded", "29 days", true);

        assertThat(retention.forgetOld()).isEqualTo(4);

        List<String> kept = jdbi.withHandle(h -> h.createQuery("SELECT log_id FROM action_job").mapTo(String.class).list());
        assertThat(kept).containsExactlyInAnyOrder("failed_old_logged", "canceled_old_logged", "waiting_old", "retrying_old",
                        "pending_old", "succeeded_recent");
        assertThat(retention.forgetOld()).isZero();

        // an entry whose succeeded action was forgotten: still not replayable, and it says why (409, not 404)
        ActionReplay replay = new ActionReplay(jdbi, new ActionQueue(pool, new EventLog(), new QuietActions()), new EventLog());
        ProblemException refused = catchThrowableOfType(() -> replay.replay("mkt_1", "skipped_old"), ProblemException.class);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.getMessage()).contains("ENGINE_HISTORY_RETENTION");
        assertThat(catchThrowableOfType(() -> replay.replay("mkt_1", "log_never"), ProblemException.class).status()).isEqualTo(404);
    }

    @Test
    void aBacklogLargerThanOneBatchIsForgottenInOnePass() {
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO inbox_event (marketplace_id, webhook_id, event_type, ordering_key, payload, status, received_at)
                SELECT 'mkt_1', 'evt_' || g, 'order.completed', 'a@example.com', '{}', 'done', now() - interval '45 days'
                  FROM generate_series(1, 2500) g"""));

        assertThat(retention.forgetOld()).isEqualTo(2500);
        assertThat(webhookIds()).isEmpty();
    }

    private void event(String webhookId, String status, String age) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO inbox_event (marketplace_id, webhook_id, event_type, ordering_key, payload, status, received_at)
                VALUES ('mkt_1', :w, 'order.completed', 'a@example.com', '{}', :s, now() - CAST(:age AS interval))""")
                .bind("w", webhookId).bind("s", status).bind("age", age).execute());
    }

    private void job(String logId, String status, String age, boolean logged) {
        jdbi.useHandle(h -> {
            h.createUpdate("""
                    INSERT INTO action_job (log_id, marketplace_id, integration_id, action, trigger, event_id, customer, source,
                                            status, created_at, updated_at)
                    VALUES (:log, 'mkt_1', 'int_1', 'add_tags', 'product.purchased', 'evt_1', '{"email":"a@example.com"}',
                            'M', :s, now() - CAST(:age AS interval), now() - CAST(:age AS interval))""")
                    .bind("log", logId).bind("s", status).bind("age", age).execute();
            if (logged) {
                h.createUpdate("INSERT INTO event_log (id, marketplace_id, kind, status) VALUES (:log, 'mkt_1', 'action', :s)")
                        .bind("log", logId).bind("s", status).execute();
            }
        });
    }

    private List<String> webhookIds() {
        return jdbi.withHandle(h -> h.createQuery("SELECT webhook_id FROM inbox_event").mapTo(String.class).list());
    }
}
