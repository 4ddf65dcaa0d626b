package io.hlbridge.engine.work;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.triggers.DerivedTrigger;
import io.hlbridge.engine.triggers.TriggerDeriver;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Consumes accepted store events. {@link #claim} leases a batch holding at most one event per
 * customer: only the oldest pending event of each ordering key is eligible, so one customer's events
 * are processed in the order they were accepted, whatever the number of replicas. {@link #process}
 * then derives the triggers, queues the actions and marks the event done in one transaction.
 */
public final class InboxWorker {
    public static final int LEASE_SECONDS = 15;

    private final Jdbi jdbi;
    private final TriggerDeriver deriver;
    private final TriggerDispatch dispatch;

    public record ClaimedEvent(long id, String marketplaceId, String webhookId) {
    }

    public InboxWorker(Jdbi jdbi, TriggerDeriver deriver, TriggerDispatch dispatch) {
        this.jdbi = jdbi;
        this.deriver = deriver;
        this.dispatch = dispatch;
    }

    public List<ClaimedEvent> claim(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                WITH heads AS (
                    SELECT e.id FROM inbox_event e
                     WHERE e.status = 'pending' AND (e.lease_until IS NULL OR e.lease_until < now())
                       AND NOT EXISTS (SELECT 1 FROM inbox_event p
                                        WHERE p.status = 'pending' AND p.marketplace_id = e.marketplace_id
                                          AND p.ordering_key = e.ordering_key AND p.id < e.id)
                     ORDER BY e.id
                     LIMIT :limit
                     FOR UPDATE SKIP LOCKED)
                UPDATE inbox_event e SET lease_until = now() + make_interval(secs => :lease)
                  FROM heads WHERE e.id = heads.id
                RETURNING e.id, e.marketplace_id, e.webhook_id""")
                .bind("limit", limit).bind("lease", LEASE_SECONDS)
                .map((rs, ctx) -> new ClaimedEvent(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .list());
    }

    /** Derives, dispatches and completes one claimed event; false if another replica already did. */
    public boolean process(ClaimedEvent claimed) {
        return jdbi.inTransaction(h -> {
            Optional<Row> row = h.createQuery("""
                    SELECT e.marketplace_id, e.webhook_id, e.event_type, e.payload::text, e.received_at, m.name
                      FROM inbox_event e JOIN marketplace m ON m.id = e.marketplace_id
                     WHERE e.id = :id AND e.status = 'pending' FOR UPDATE OF e""")
                    .bind("id", claimed.id())
                    .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), Json.read(rs.getString(4)),
                            rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getString(6)))
                    .findOne();
            if (row.isEmpty()) {
                return false;
            }
            Row e = row.get();
            List<DerivedTrigger> triggers = deriver.derive(h, e.marketplaceId, e.webhookId, e.payload, e.receivedAt);
            dispatch.dispatch(h, e.marketplaceId, e.marketplaceName, e.webhookId, e.eventType, triggers);
            h.createUpdate("UPDATE inbox_event SET status = 'done', processed_at = now(), lease_until = NULL WHERE id = :id")
                    .bind("id", claimed.id()).execute();
            return true;
        });
    }

    private record Row(String marketplaceId, String webhookId, String eventType, JsonNode payload, Instant receivedAt,
                       String marketplaceName) {
    }
}
