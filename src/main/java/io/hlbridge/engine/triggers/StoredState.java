package io.hlbridge.engine.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.db.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The derivation state in PostgreSQL (V3), read and written through the caller's connection, inside
 * the transaction that marks the inbox event processed (its batch's). One statement per call, items batched with
 * unnest, so an event costs a handful of indexed statements whatever its number of items; purchases and
 * fired facts are written once per batch ({@link Batch}). Plain JDBC ({@link Sql}): these run for every event.
 */
final class StoredState implements DerivationState {
    private final Connection c;
    private final String marketplaceId;
    private final String webhookId;
    private final Batch batch;

    private StoredState(Batch batch, String marketplaceId, String webhookId) {
        this.c = batch.c;
        this.marketplaceId = marketplaceId;
        this.webhookId = webhookId;
        this.batch = batch;
    }

    /**
     * What a batch of events writes at its end, in one statement: the purchases, and the facts its
     * triggers would fire. The purchases are read only by the prospects' timer, in a transaction of its
     * own; the facts only by the statement that records them.
     */
    static final class Batch {
        private final Connection c;
        private final List<String> purchaseMarketplaces = new ArrayList<>(), emails = new ArrayList<>(),
                products = new ArrayList<>(), orders = new ArrayList<>(), purchasedAt = new ArrayList<>();
        private final List<StoredState> events = new ArrayList<>();

        Batch(Connection c) {
            this.c = c;
        }

        /** The state of the batch's next event, derived after those before it. */
        StoredState of(String marketplaceId, String webhookId) {
            StoredState event = new StoredState(this, marketplaceId, webhookId);
            events.add(event);
            return event;
        }

        /**
         * Records the batch's purchases, and the facts of each of its events (in the order of {@link #of});
         * answers, per event, the facts recorded now (the others fired before). The fact rows go in in the
         * events' order, so of two events with the same fact the earlier one fires it. One statement, one
         * round trip: the purchases are a data-modifying WITH whose rows nothing in the statement reads.
         */
        List<Set<Fact>> claim(List<List<Fact>> factsByEvent) {
            List<String> marketplaces = new ArrayList<>(), triggers = new ArrayList<>(), keys = new ArrayList<>(),
                    webhooks = new ArrayList<>();
            Map<String, Set<Fact>> claimedByEvent = new HashMap<>();
            List<Set<Fact>> claimed = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                StoredState event = events.get(i);
                Set<Fact> its = new HashSet<>();
                claimed.add(its);
                claimedByEvent.put(event.identity(), its);
                for (Fact fact : factsByEvent.get(i)) {
                    marketplaces.add(event.marketplaceId);
                    triggers.add(fact.trigger());
                    keys.add(fact.dedupeKey());
                    webhooks.add(event.webhookId);
                }
            }
            if (!keys.isEmpty() || !emails.isEmpty()) {
                run(() -> Sql.list(c, """
                        WITH bought AS (
                            INSERT INTO purchase (marketplace_id, email, product_id, order_id, purchased_at)
                            SELECT m, e, p, o, CAST(t AS timestamptz)
                              FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                          CAST(? AS text[])) AS x(m, e, p, o, t)
                            ON CONFLICT DO NOTHING)
                        INSERT INTO fired_trigger (marketplace_id, trigger, dedupe_key, webhook_id)
                        SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
                        ON CONFLICT DO NOTHING
                        RETURNING marketplace_id, webhook_id, trigger, dedupe_key""",
                        rs -> claimedByEvent.get(identity(rs.getString(1), rs.getString(2)))
                                .add(new Fact(rs.getString(3), rs.getString(4))),
                        Sql.texts(purchaseMarketplaces), Sql.texts(emails), Sql.texts(products), Sql.texts(orders),
                        Sql.texts(purchasedAt),
                        Sql.texts(marketplaces), Sql.texts(triggers), Sql.texts(keys), Sql.texts(webhooks)));
            }
            return claimed;
        }
    }

    /** An event's identity within its batch: the inbox keeps a webhook-id once per marketplace. */
    private String identity() {
        return identity(marketplaceId, webhookId);
    }

    private static String identity(String marketplaceId, String webhookId) {
        return marketplaceId + '\n' + webhookId;
    }

    @Override
    public void recordPurchases(String email, String orderId, List<String> productIds, Instant purchasedAt) {
        for (String productId : productIds) {
            batch.purchaseMarketplaces.add(marketplaceId);
            batch.emails.add(email);
            batch.products.add(productId);
            batch.orders.add(orderId);
            batch.purchasedAt.add(purchasedAt.toString());
        }
    }

    @Override
    public Map<String, RefundTotal> applyRefund(String orderId, String refundId, Map<String, Long> cents) {
        // The main query reads the snapshot from before the CTE's insert: total = earlier lines + this one.
        // The lines come as one jsonb, not as arrays: the planner sees an array's length and then plans
        // the statement anew at every call (0.3 ms of planning for 0.1 ms of work, bench/ingest); a
        // jsonb's row count it estimates alike in custom and generic plans, so the generic plan is kept.
        Map<String, RefundTotal> totals = new HashMap<>();
        ArrayNode lines = Json.MAPPER.createArrayNode();
        cents.forEach((productId, amount) -> lines.addObject().put("product_id", productId).put("cents", amount));
        run(() -> Sql.list(c, """
                WITH input AS (
                    SELECT * FROM jsonb_to_recordset(CAST(? AS jsonb)) AS x(product_id text, cents bigint)),
                applied AS (
                    INSERT INTO refund_line (marketplace_id, order_id, product_id, refund_id, refunded_cents)
                    SELECT ?, ?, product_id, ?, cents FROM input
                    ON CONFLICT DO NOTHING
                    RETURNING product_id, refunded_cents)
                SELECT i.product_id, a.product_id IS NOT NULL AS applied,
                       coalesce(a.refunded_cents, 0) + coalesce((
                           SELECT sum(l.refunded_cents) FROM refund_line l
                           WHERE l.marketplace_id = ? AND l.order_id = ? AND l.product_id = i.product_id), 0) AS total
                FROM input i LEFT JOIN applied a ON a.product_id = i.product_id""",
                rs -> totals.put(rs.getString("product_id"), new RefundTotal(rs.getBoolean("applied"), rs.getLong("total"))),
                lines.toString(), marketplaceId, orderId, refundId, marketplaceId, orderId));
        return totals;
    }

    @Override
    public void scheduleProspects(String prospectId, String email, JsonNode customer, List<Item> items,
                                  Instant createdAt, Instant dueAt) {
        run(() -> Sql.update(c, """
                INSERT INTO prospect (marketplace_id, prospect_id, product_id, product_name, email, customer,
                                      source_webhook_id, created_at, due_at)
                SELECT ?, ?, x.product_id, x.product_name, ?, CAST(? AS jsonb), ?, ?, ?
                FROM unnest(CAST(? AS text[]), CAST(? AS text[])) AS x(product_id, product_name)
                ON CONFLICT DO NOTHING""", marketplaceId, prospectId, email, customer.toString(), webhookId, createdAt, dueAt,
                Sql.texts(items.stream().map(Item::productId).toList()),
                Sql.texts(items.stream().map(Item::productName).toList())));
    }

    @Override
    public Optional<Failure> failCharge(String subscriptionId, String chargeId, int delinquentAfter) {
        return run(() -> Sql.first(c, """
                WITH new_charge AS (
                    INSERT INTO subscription_charge (marketplace_id, charge_id, subscription_id, succeeded)
                    VALUES (?, ?, ?, false)
                    ON CONFLICT DO NOTHING
                    RETURNING subscription_id)
                INSERT INTO subscription_state AS s (marketplace_id, subscription_id, failures, run, canceled_by)
                SELECT ?, subscription_id, 1, 1, CASE WHEN CAST(? AS int) = 1 THEN 'delinquency' END FROM new_charge
                ON CONFLICT (marketplace_id, subscription_id) DO UPDATE SET
                    failures = s.failures + 1,
                    run = CASE WHEN s.failures = 0 THEN s.run + 1 ELSE s.run END,
                    canceled_by = CASE WHEN s.failures + 1 = CAST(? AS int) THEN coalesce(s.canceled_by, 'delinquency')
                                       ELSE s.canceled_by END
                RETURNING failures, run, epoch""",
                rs -> new Failure(rs.getInt("failures"), rs.getInt("run"), rs.getInt("epoch")),
                marketplaceId, chargeId, subscriptionId, marketplaceId, delinquentAfter, delinquentAfter));
    }

    @Override
    public Optional<Success> succeedCharge(String subscriptionId, String chargeId) {
        return run(() -> Sql.first(c, """
                WITH new_charge AS (
                    INSERT INTO subscription_charge (marketplace_id, charge_id, subscription_id, succeeded)
                    VALUES (?, ?, ?, true)
                    ON CONFLICT DO NOTHING
                    RETURNING subscription_id),
                before AS (
                    SELECT failures FROM subscription_state WHERE marketplace_id = ? AND subscription_id = ?)
                INSERT INTO subscription_state AS s (marketplace_id, subscription_id)
                SELECT ?, subscription_id FROM new_charge
                ON CONFLICT (marketplace_id, subscription_id) DO UPDATE SET failures = 0
                RETURNING coalesce((SELECT failures FROM before), 0) AS ended, run""",
                rs -> new Success(rs.getInt("ended"), rs.getInt("run")),
                marketplaceId, chargeId, subscriptionId, marketplaceId, subscriptionId, marketplaceId));
    }

    @Override
    public Cancellation cancel(String subscriptionId) {
        Optional<Integer> epoch = run(() -> Sql.first(c, """
                INSERT INTO subscription_state AS s (marketplace_id, subscription_id, canceled_by)
                VALUES (?, ?, 'cancellation')
                ON CONFLICT (marketplace_id, subscription_id) DO UPDATE SET canceled_by = 'cancellation'
                WHERE s.canceled_by IS NULL
                RETURNING epoch""", rs -> rs.getInt(1), marketplaceId, subscriptionId));
        if (epoch.isPresent()) {
            return new Cancellation(true, epoch.get(), null);
        }
        // Rare path (a re-report): say what canceled it.
        return run(() -> Sql.first(c, """
                SELECT epoch, canceled_by FROM subscription_state WHERE marketplace_id = ? AND subscription_id = ?""",
                rs -> new Cancellation(false, rs.getInt("epoch"), rs.getString("canceled_by")),
                marketplaceId, subscriptionId)).orElseThrow();
    }

    @Override
    public OptionalInt restart(String subscriptionId) {
        // A subscription never seen before is taken as restarted (the store says so); a known one
        // only when it is canceled or delinquent.
        return run(() -> Sql.first(c, """
                INSERT INTO subscription_state AS s (marketplace_id, subscription_id, epoch)
                VALUES (?, ?, 1)
                ON CONFLICT (marketplace_id, subscription_id) DO UPDATE SET
                    epoch = s.epoch + 1, failures = 0, canceled_by = NULL
                WHERE s.canceled_by IS NOT NULL
                RETURNING epoch - 1""", rs -> rs.getInt(1), marketplaceId, subscriptionId))
                .map(OptionalInt::of).orElseGet(OptionalInt::empty);
    }

    private interface Statement<T> {
        T run() throws SQLException;
    }

    private static <T> T run(Statement<T> statement) {
        try {
            return statement.run();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
