package io.hlbridge.engine.work;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.triggers.DerivedTrigger;
import io.hlbridge.engine.triggers.TriggerDeriver;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import javax.sql.DataSource;

/**
 * Consumes accepted store events. {@link #claim} leases a batch holding at most one event per
 * customer: only the oldest pending event of each ordering key is eligible, so one customer's events
 * are processed in the order they were accepted, whatever the number of replicas. {@link #process}
 * then marks the event done, derives its triggers and queues their actions in one transaction.
 */
public final class InboxWorker {
    public static final int LEASE_SECONDS = 15;

    private final DataSource dataSource;
    private final TriggerDeriver deriver;
    private final TriggerDispatch dispatch;

    /** A leased event, with what processing it needs (read by the claim, so processing re-reads nothing). */
    public record ClaimedEvent(long id, String marketplaceId, String webhookId, String eventType, String payload,
                               Instant receivedAt, String marketplaceName) {
    }

    public InboxWorker(DataSource dataSource, TriggerDeriver deriver, TriggerDispatch dispatch) {
        this.dataSource = dataSource;
        this.deriver = deriver;
        this.dispatch = dispatch;
    }

    public List<ClaimedEvent> claim(int limit) {
        return Sql.autoCommit(dataSource, c -> Sql.list(c, """
                WITH heads AS (
                    SELECT e.id FROM inbox_event e
                     WHERE e.status = 'pending' AND (e.lease_until IS NULL OR e.lease_until < now())
                       AND NOT EXISTS (SELECT 1 FROM inbox_event p
                                        WHERE p.status = 'pending' AND p.marketplace_id = e.marketplace_id
                                          AND p.ordering_key = e.ordering_key AND p.id < e.id)
                     ORDER BY e.id
                     LIMIT ?
                     FOR UPDATE SKIP LOCKED)
                UPDATE inbox_event e SET lease_until = now() + make_interval(secs => ?)
                  FROM heads, marketplace m
                 WHERE e.id = heads.id AND m.id = e.marketplace_id
                RETURNING e.id, e.marketplace_id, e.webhook_id, e.event_type, e.payload::text, e.received_at, m.name""",
                rs -> new ClaimedEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getObject(6, OffsetDateTime.class).toInstant(), rs.getString(7)),
                limit, LEASE_SECONDS));
    }

    /**
     * Derives, dispatches and completes one claimed event in one transaction; false if another
     * replica already did. Marking it done comes first: that takes the row's lock, so a replica that
     * claimed it after a lapsed lease waits here and then finds it done.
     */
    public boolean process(ClaimedEvent e) {
        return Sql.inTransaction(dataSource, c -> {
            int marked = Sql.update(c, """
                    UPDATE inbox_event SET status = 'done', processed_at = now(), lease_until = NULL
                     WHERE id = ? AND status = 'pending'""", e.id());
            if (marked == 0) {
                return false;
            }
            JsonNode payload = Json.read(e.payload());
            List<DerivedTrigger> triggers = deriver.derive(c, e.marketplaceId(), e.webhookId(), payload, e.receivedAt());
            dispatch.dispatch(c, e.marketplaceId(), e.marketplaceName(), e.webhookId(), e.eventType(), triggers);
            return true;
        });
    }
}
