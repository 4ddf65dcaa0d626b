package io.hlbridge.engine.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The derivation state in PostgreSQL (V3), read and written through the caller's handle, inside the
 * transaction that marks the inbox event processed. One statement per call, items batched with
 * unnest, so an event costs a handful of indexed statements whatever its number of items.
 */
final class StoredState implements DerivationState {
    private final Handle handle;
    private final String marketplaceId;
    private final String webhookId;

    StoredState(Handle handle, String marketplaceId, String webhookId) {
        this.handle = handle;
        this.marketplaceId = marketplaceId;
        this.webhookId = webhookId;
    }

    @Override
    public void recordPurchases(String email, String orderId, List<String> productIds, Instant purchasedAt) {
        handle.createUpdate("""
                INSERT INTO purchase (marketplace_id, email, product_id, order_id, purchased_at)
                SELECT :m, :email, p, :order, :at FROM unnest(CAST(:products AS text[])) AS p
                ON CONFLICT DO NOTHING""")
                .bind("m", marketplaceId).bind("email", email).bind("order", orderId).bind("at", purchasedAt)
                .bindArray("products", String.class, productIds)
                .execute();
    }

    @Override
    public Map<String, RefundTotal> applyRefund(String orderId, String refundId, Map<String, Long> cents) {
        // The main query reads the snapshot from before the CTE's insert: total = earlier lines + this one.
        Map<String, RefundTotal> totals = new HashMap<>();
        handle.createQuery("""
                WITH input AS (
                    SELECT * FROM unnest(CAST(:products AS text[]), CAST(:cents AS bigint[])) AS x(product_id, cents)),
                applied AS (
                    INSERT INTO refund_line (marketplace_id, order_id, product_id, refund_id, refunded_cents)
                    SELECT :m, :order, product_id, :refund, cents FROM input
                    ON CONFLICT DO NOTHING
                    RETURNING product_id, refunded_cents)
                SELECT i.product_id, a.product_id IS NOT NULL AS applied,
                       coalesce(a.refunded_cents, 0) + coalesce((
                           SELECT sum(l.refunded_cents) FROM refund_line l
                           WHERE l.marketplace_id = :m AND l.order_id = :order AND l.product_id = i.product_id), 0) AS total
                FROM input i LEFT JOIN applied a ON a.product_id = i.product_id""")
                .bind("m", marketplaceId).bind("order", orderId).bind("refund", refundId)
                .bindArray("products", String.class, List.copyOf(cents.keySet()))
                .bindArray("cents", Long.class, List.copyOf(cents.values()))
                .map((rs, ctx) -> Map.entry(rs.getString("product_id"),
                        new RefundTotal(rs.getBoolean("applied"), rs.getLong("total"))))
                .forEach(e -> totals.put(e.getKey(), e.getValue()));
        return totals;
    }

    @Override
    public void scheduleProspects(String prospectId, String email, JsonNode customer, List<Item> items,
                                  Instant createdAt, Instant dueAt) {
        handle.createUpdate("""
                INSERT INTO prospect (marketplace_id, prospect_id, product_id, product_name, email, customer,
                                      source_webhook_id, created_at, due_at)
                SELECT :m, :prospect, x.product_id, x.product_name, :email, CAST(:customer AS jsonb),
                       :webhook, :created, :due
                FROM unnest(CAST(:products AS text[]), CAST(:names AS text[])) AS x(product_id, product_name)
                ON CONFLICT DO NOTHING""")
                .bind("m", marketplaceId).bind("prospect", prospectId).bind("email", email)
                .bind("customer", customer.toString()).bind("webhook", webhookId)
                .bind("created", createdAt).bind("due", dueAt)
                .bindArray("products", String.class, items.stream().map(Item::productId).toList())
                .bindArray("names", String.class, items.stream().map(Item::productName).toList())
                .execute();
    }

    @Override
    public Optional<Failure> failCharge(String subscriptionId, String chargeId, int delinquentAfter) {
        return handle.createQuery("""
                WITH new_charge AS (
                    INSERT INTO subscription_charge (marketplace_id, charge_id, subscription_id, succeeded)
                    VALUES (:m, :charge, :sub, false)
                    ON CONFLICT DO NOTHING
                    RETURNING subscription_id)
                INSERT INTO subscription_state AS s (marketplace_id, subscription_id, failures, run, canceled_by)
                SELECT :m, subscription_id, 1, 1, CASE WHEN :after = 1 THEN 'delinquency' END FROM new_charge
                ON CONFLICT (marketplace_id, subscription_id) DO UPDATE SET
                    failures = s.failures + 1,
                    run = CASE WHEN s.failures = 0 THEN s.run + 1 ELSE s.run END,
                    canceled_by = CASE WHEN s.failures + 1 = :after THEN coalesce(s.canceled_by, 'delinquency')
                                       ELSE s.canceled_by END
                RETURNING failures, run, epoch""")
                .bind("m", marketplaceId).bind("charge", chargeId).bind("sub", subscriptionId)
                .bind("after", delinquentAfter)
                .map((rs, ctx) -> new Failure(rs.getInt("failures"), rs.getInt("run"), rs.getInt("epoch")))
                .findOne();
    }

    @Override
    public Optional<Success> succeedCharge(String subscriptionId, String chargeId) {
        return handle.createQuery("""
                WITH new_charge AS (
                    INSERT INTO subscription_charge (marketplace_id, charge_id, subscription_id, succeeded)
                    VALUES (:m, :charge, :sub, true)
                    ON CONFLICT DO NOTHING
                    RETURNING subscription_id),
                before AS (
                    SELECT failures FROM subscription_state WHERE marketplace_id = :m AND subscription_id = :sub)
                INSERT INTO subscription_state AS s (marketplace_id, subscription_id)
                SELECT :m, subscription_id FROM new_charge
                ON CONFLICT (marketplace_id, subscription_id) DO UPDATE SET failures = 0
                RETURNING coalesce((SELECT failures FROM before), 0) AS ended, run""")
                .bind("m", marketplaceId).bind("charge", chargeId).bind("sub", subscriptionId)
                .map((rs, ctx) -> new Success(rs.getInt("ended"), rs.getInt("run")))
                .findOne();
    }

    @Override
    public Cancellation cancel(String subscriptionId) {
        Optional<Integer> epoch = handle.createQuery("""
                INSERT INTO subscription_state AS s (marketplace_id, subscription_id, canceled_by)
                VALUES (:m, :sub, 'cancellation')
                ON CONFLICT (marketplace_id, subscription_id) DO UPDATE SET canceled_by = 'cancellation'
                WHERE s.canceled_by IS NULL
                RETURNING epoch""")
                .bind("m", marketplaceId).bind("sub", subscriptionId)
                .mapTo(Integer.class).findOne();
        if (epoch.isPresent()) {
            return new Cancellation(true, epoch.get(), null);
        }
        // Rare path (a re-report): say what canceled it.
        return handle.createQuery("""
                SELECT epoch, canceled_by FROM subscription_state WHERE marketplace_id = :m AND subscription_id = :sub""")
                .bind("m", marketplaceId).bind("sub", subscriptionId)
                .map((rs, ctx) -> new Cancellation(false, rs.getInt("epoch"), rs.getString("canceled_by")))
                .one();
    }

    @Override
    public OptionalInt restart(String subscriptionId) {
        // A subscription never seen before is taken as restarted (the store says so); a known one
        // only when it is canceled or delinquent.
        return handle.createQuery("""
                INSERT INTO subscription_state AS s (marketplace_id, subscription_id, epoch)
                VALUES (:m, :sub, 1)
                ON CONFLICT (marketplace_id, subscription_id) DO UPDATE SET
                    epoch = s.epoch + 1, failures = 0, canceled_by = NULL
                WHERE s.canceled_by IS NOT NULL
                RETURNING epoch - 1""")
                .bind("m", marketplaceId).bind("sub", subscriptionId)
                .mapTo(Integer.class).findOne()
                .map(OptionalInt::of).orElseGet(OptionalInt::empty);
    }

    @Override
    public Set<Fact> claim(List<Fact> facts) {
        Set<Fact> claimed = new HashSet<>();
        if (facts.isEmpty()) {
            return claimed;
        }
        handle.createQuery("""
                INSERT INTO fired_trigger (marketplace_id, trigger, dedupe_key, webhook_id)
                SELECT :m, t, k, :webhook FROM unnest(CAST(:triggers AS text[]), CAST(:keys AS text[])) AS x(t, k)
                ON CONFLICT DO NOTHING
                RETURNING trigger, dedupe_key""")
                .bind("m", marketplaceId).bind("webhook", webhookId)
                .bindArray("triggers", String.class, facts.stream().map(Fact::trigger).toList())
                .bindArray("keys", String.class, facts.stream().map(Fact::dedupeKey).toList())
                .map((rs, ctx) -> new Fact(rs.getString("trigger"), rs.getString("dedupe_key")))
                .forEach(claimed::add);
        return claimed;
    }
}
