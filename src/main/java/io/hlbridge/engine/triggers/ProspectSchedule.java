package io.hlbridge.engine.triggers;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The prospects waiting out their delay (spec §2, prospect.created): a work queue in the prospect
 * table, claimed with FOR UPDATE SKIP LOCKED so any number of replicas can poll it.
 *
 * <p>A due prospect fires unless its customer bought its product at or after the prospect was
 * created (then it is suppressed, "bought meanwhile"). A prospect whose customer still has store
 * events accepted before its due time waiting in the inbox is left for a later claim: one of them
 * may be the purchase, and events of one customer are settled in the order they were accepted.
 */
public final class ProspectSchedule {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Claims up to {@code limit} prospects whose delay has passed, marks them done in the caller's
     * transaction, and returns a fired prospect.created trigger for each one whose customer has not
     * bought that product since, or a suppressed one ("bought meanwhile"). The customer's inbox is
     * checked by a scalar subquery (one probe of the pending index per prospect), never an anti-join
     * the planner could run against the whole inbox backlog (see InboxWorker's claim).
     */
    public List<DueProspect> claimDue(Handle handle, Instant now, int limit) {
        return handle.createQuery("""
                WITH due AS (
                    SELECT p.marketplace_id, p.prospect_id, p.product_id,
                           (SELECT b.order_id FROM purchase b
                            WHERE b.marketplace_id = p.marketplace_id AND b.email = p.email
                              AND b.product_id = p.product_id AND b.purchased_at >= p.created_at
                            ORDER BY b.purchased_at LIMIT 1) AS bought_order_id
                    FROM prospect p
                    WHERE p.status = 'pending' AND p.due_at <= :now
                      AND coalesce((SELECT min(e.received_at) FROM inbox_event e
                                     WHERE e.marketplace_id = p.marketplace_id AND e.ordering_key = p.email
                                       AND e.status = 'pending'), 'infinity') > p.due_at
                    ORDER BY p.due_at
                    LIMIT :limit
                    FOR UPDATE OF p SKIP LOCKED)
                UPDATE prospect p
                SET status = CASE WHEN due.bought_order_id IS NULL THEN 'fired' ELSE 'suppressed' END,
                    bought_order_id = due.bought_order_id,
                    done_at = :now
                FROM due
                WHERE p.marketplace_id = due.marketplace_id AND p.prospect_id = due.prospect_id
                  AND p.product_id = due.product_id
                RETURNING p.marketplace_id, p.source_webhook_id, p.prospect_id, p.product_id, p.product_name,
                          p.customer, p.bought_order_id""")
                .bind("now", now)
                .bind("limit", limit)
                .map((rs, ctx) -> {
                    String bought = rs.getString("bought_order_id");
                    DerivedTrigger trigger = new DerivedTrigger("prospect.created", rs.getString("product_id"),
                            rs.getString("product_name"), customer(rs.getString("customer")), bought == null,
                            bought == null
                                    ? "prospect " + rs.getString("prospect_id") + " not bought within the delay"
                                    : "bought meanwhile (order " + bought + ")");
                    return new DueProspect(rs.getString("marketplace_id"), rs.getString("source_webhook_id"), trigger);
                })
                .list();
    }

    /** When the next prospect falls due, if any (for scheduling). */
    public Optional<Instant> nextDue(Handle handle) {
        return handle.createQuery("SELECT min(due_at) FROM prospect WHERE status = 'pending'")
                .map((rs, ctx) -> Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant))
                .one();
    }

    private static Customer customer(String json) {
        try {
            return Customer.from(JSON.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
