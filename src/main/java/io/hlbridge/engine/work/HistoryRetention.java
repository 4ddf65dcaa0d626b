package io.hlbridge.engine.work;

import java.time.Duration;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Forgets finished work once it is older than {@code ENGINE_HISTORY_RETENTION} (30 days by default, 7 at
 * least: the console's overview counts the last 7 days from these rows):
 * <ul>
 * <li>a processed store event, by when it was received. Its {@code webhook-id} goes with it: a store
 *     redelivering it later gets "accepted", not "duplicate", and the trigger state (fired_trigger,
 *     refund_line, subscription_charge…, kept for good) still fires nothing twice;</li>
 * <li>a finished action (succeeded, skipped, failed, canceled), by when it finished; but a failed or
 *     canceled one is kept while its log entry is, so that what the log shows can still be replayed.
 *     Pending, retrying and waiting actions are never forgotten.</li>
 * </ul>
 * Each pass deletes in batches, oldest first, until a batch comes back short or {@link #MAX_BATCHES}
 * ran; replicas share the work (the rows one deletes the others skip).
 */
public final class HistoryRetention {
    static final int BATCH = 1000;
    static final int MAX_BATCHES = 10;
    public static final Duration MINIMUM = Duration.ofDays(7);

    private static final String FORGET_EVENTS = """
            DELETE FROM inbox_event WHERE id IN (
                SELECT id FROM inbox_event
                 WHERE status = 'done' AND received_at < now() - make_interval(secs => :keep)
                 ORDER BY received_at LIMIT :batch FOR UPDATE SKIP LOCKED)""";
    private static final String FORGET_ACTIONS = """
            DELETE FROM action_job WHERE id IN (
                SELECT j.id FROM action_job j
                 WHERE j.status IN ('succeeded', 'skipped', 'failed', 'canceled')
                   AND j.updated_at < now() - make_interval(secs => :keep)
                   AND (j.status IN ('succeeded', 'skipped') OR NOT EXISTS (SELECT 1 FROM event_log l WHERE l.id = j.log_id))
                 ORDER BY j.updated_at LIMIT :batch FOR UPDATE OF j SKIP LOCKED)""";

    private final Jdbi jdbi;
    private final Duration keep;

    /** {@code keep}: ENGINE_HISTORY_RETENTION, checked by EngineSettings (tests pass shorter ones). */
    public HistoryRetention(Jdbi jdbi, Duration keep) {
        this.jdbi = jdbi;
        this.keep = keep;
    }

    /** One pass; returns how many store events and actions were forgotten. */
    public int forgetOld() {
        return forget(FORGET_EVENTS) + forget(FORGET_ACTIONS);
    }

    private int forget(String statement) {
        int forgotten = 0;
        for (int batch = 0; batch < MAX_BATCHES; batch++) {
            int n = jdbi.withHandle((Handle h) -> h.createUpdate(statement)
                    .bind("keep", (double) keep.toSeconds()).bind("batch", BATCH).execute());
            forgotten += n;
            if (n < BATCH) {
                break;
            }
        }
        return forgotten;
    }
}
