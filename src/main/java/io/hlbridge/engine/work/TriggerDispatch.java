package io.hlbridge.engine.work;

import io.hlbridge.engine.eventlog.EventLog;
import io.hlbridge.engine.eventlog.LogEntry;
import io.hlbridge.engine.triggers.DerivedTrigger;
import java.sql.Array;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The rule-lookup step: logs each derived trigger (fired or suppressed) and, for a fired one, queues
 * one action per matching rule — the enabled product rules of its product plus the enabled global
 * rules, each once. Runs in the transaction that consumed the event, so nothing is queued twice.
 */
public final class TriggerDispatch {
    private final EventLog log;
    private final ActionQueue queue;

    public TriggerDispatch(EventLog log, ActionQueue queue) {
        this.log = log;
        this.queue = queue;
    }

    record MatchedRule(String id, String integrationId, String integrationName, boolean connected, String action,
                       List<String> tags) {
    }

    public void dispatch(Handle h, String marketplaceId, String marketplaceName, String eventId, String eventType,
                         List<DerivedTrigger> triggers) {
        Map<String, String> products = new LinkedHashMap<>();
        for (DerivedTrigger t : triggers) {
            if (t.productId() != null) {
                products.putIfAbsent(t.productId(), t.productName());
            }
            log.append(h, LogEntry.trigger(EventLog.newId(), marketplaceId, t.fired() ? "fired" : "suppressed", eventId,
                    eventType, t.trigger(), t.productId(), t.customer().email(), t.message()));
            if (!t.fired()) {
                continue;
            }
            for (MatchedRule r : matching(h, marketplaceId, t.trigger(), t.productId())) {
                queue.enqueue(h, new ActionQueue.NewJob(marketplaceId, r.integrationId(), r.id(), r.action(), r.tags(),
                        t.trigger(), eventId, eventType, t.productId(), t.customer(), marketplaceName, r.connected(),
                        r.integrationName(), null));
            }
        }
        // Every order of a best-seller names the same product: only a new product or a new name writes
        // (and locks) its row, so concurrent events do not queue behind one another here.
        products.forEach((id, name) -> {
            int inserted = h.createUpdate("""
                    INSERT INTO product_seen (marketplace_id, product_id, product_name) VALUES (:m, :p, :n)
                    ON CONFLICT (marketplace_id, product_id) DO NOTHING""")
                    .bind("m", marketplaceId).bind("p", id).bind("n", name).execute();
            if (inserted == 0 && name != null) {
                h.createUpdate("""
                        UPDATE product_seen SET product_name = :n, last_seen_at = now()
                         WHERE marketplace_id = :m AND product_id = :p AND product_name IS DISTINCT FROM :n""")
                        .bind("m", marketplaceId).bind("p", id).bind("n", name).execute();
            }
        });
    }

    static List<MatchedRule> matching(Handle h, String marketplaceId, String trigger, String productId) {
        return h.createQuery("""
                SELECT r.id, r.integration_id, i.name, i.status = 'connected' AS connected, r.action, r.tags
                  FROM rule r JOIN integration i ON i.id = r.integration_id
                 WHERE r.marketplace_id = :m AND r.enabled AND r.trigger = :trigger
                   AND (r.scope = 'global' OR r.product_id = :product)
                 ORDER BY r.created_at, r.id""")
                .bind("m", marketplaceId).bind("trigger", trigger).bind("product", productId)
                .map((rs, ctx) -> {
                    Array tags = rs.getArray("tags");
                    return new MatchedRule(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                            rs.getString(5), tags == null ? List.of() : Arrays.asList((String[]) tags.getArray()));
                })
                .list();
    }
}
