package io.hlbridge.engine.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.StorableText;
import io.hlbridge.engine.db.GroupCommit;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.eventlog.EventLog;
import io.hlbridge.engine.eventlog.EventReceipts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The durable, idempotent inbox of store events. {@link #store} returns only after the row is
 * committed, so an event answered {@code 202 accepted} survives a crash from that moment on; the
 * unique (marketplace, webhook-id) constraint makes redeliveries {@code duplicate}, whatever the
 * number of replicas racing on the same id.
 */
public final class Inbox {
    public enum Outcome { ACCEPTED, DUPLICATE }

    private final DataSource dataSource;

    public Inbox(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Stores a webhook's event with its receipt (the event log's "event" entry, accepted or duplicate)
     * in one statement, so both are committed together, and the receipt always comes before the
     * event's trigger and action entries in the log. Returns once both are committed.
     *
     * <p>Webhooks stored at the same moment share that statement and its commit ({@link GroupCommit}):
     * a webhook that arrives while the statement is in flight waits for the next one, which takes every
     * webhook waiting. Each is still answered only after its own row is committed. A transaction (its
     * round trip, its commit record, its flush and the wake-ups around them) costs PostgreSQL more than
     * the rows it writes, so sharing one lowers what each webhook costs, more so the busier the engine;
     * with two statements in flight at once the groups were smaller and each webhook dearer
     * (docs/performance.md, fourteenth session). A webhook the database refuses (a payload its jsonb
     * rejects) fails alone: the group is written again one by one.
     */
    public Outcome store(String marketplaceId, String webhookId, ObjectNode event, String rawBody) {
        return stored.write(Arrival.of(marketplaceId, webhookId, event, rawBody));
    }

    /** Up to 64 webhooks per statement, and past the first, up to ~1 MiB of their bodies together. */
    private final GroupCommit<Arrival, Outcome> stored = new GroupCommit<>(64, a -> a.payload().length(), 1 << 20, this::storeTogether);

    /** A webhook to store: the inbox row's columns, then its receipt's (the texts made storable). */
    record Arrival(String marketplaceId, String webhookId, String eventType, String orderingKey, String payload,
                   String logId, String receiptWebhookId, String receiptType, String receiptEmail) {
        static Arrival of(String marketplaceId, String webhookId, ObjectNode event, String rawBody) {
            return new Arrival(marketplaceId, webhookId, event.path("type").asText(), Inbox.orderingKey(event), rawBody,
                    EventLog.newId(), StorableText.clean(webhookId), StorableText.clean(EventReceipts.text(event, "type")),
                    StorableText.clean(EventReceipts.text(event.path("customer"), "email")));
        }
    }

    /** Stores {@code arrivals} in one statement and commit; returns each one's outcome, in order. */
    List<Outcome> storeTogether(List<Arrival> arrivals) {
        List<Map.Entry<String, String>> receipts = Sql.autoCommit(dataSource, c -> Sql.list(c, STORE_WITH_RECEIPTS,
                rs -> Map.entry(rs.getString(1), rs.getString(2)),
                column(arrivals, Arrival::marketplaceId), column(arrivals, Arrival::webhookId),
                column(arrivals, Arrival::eventType), column(arrivals, Arrival::orderingKey), column(arrivals, Arrival::payload),
                column(arrivals, Arrival::logId), column(arrivals, Arrival::receiptWebhookId),
                column(arrivals, Arrival::receiptType), column(arrivals, Arrival::receiptEmail), EventReceipts.DUPLICATE));
        Map<String, String> statusByLogId = receipts.stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return arrivals.stream().map(a -> switch (Objects.requireNonNull(statusByLogId.get(a.logId()), "no receipt for a webhook")) {
            case "accepted" -> Outcome.ACCEPTED;
            default -> Outcome.DUPLICATE;
        }).toList();
    }

    private static Sql.TextArray column(List<Arrival> arrivals, Function<Arrival, String> value) {
        return Sql.texts(arrivals.stream().map(value).toList());
    }

    /**
     * The statement {@link #store} sends (public for bench/webhook-insert, which measures it alone):
     * one element per webhook in each array, in the order they arrived. A webhook-id twice in one group
     * (a store's redelivery racing its first delivery) is stored once and its later copy is a duplicate,
     * as when they come one after the other. Returns each receipt's id and status.
     */
    public static final String STORE_WITH_RECEIPTS = """
            WITH input AS (
                SELECT x.*, row_number() OVER (PARTITION BY x.marketplace_id, x.webhook_id ORDER BY x.n) > 1 AS repeated
                  FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                              CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) WITH ORDINALITY
                       AS x(marketplace_id, webhook_id, event_type, ordering_key, payload,
                            log_id, receipt_webhook_id, receipt_type, receipt_email, n)),
            stored AS (
                INSERT INTO inbox_event (marketplace_id, webhook_id, event_type, ordering_key, payload)
                SELECT marketplace_id, webhook_id, event_type, ordering_key, CAST(payload AS jsonb)
                  FROM input WHERE NOT repeated ORDER BY n
                ON CONFLICT (marketplace_id, webhook_id) DO NOTHING
                RETURNING marketplace_id, webhook_id)
            INSERT INTO event_log (id, marketplace_id, kind, status, event_id, event_type, email, message)
            SELECT i.log_id, i.marketplace_id, 'event', CASE WHEN s.webhook_id IS NULL OR i.repeated THEN 'duplicate' ELSE 'accepted' END,
                   i.receipt_webhook_id, i.receipt_type, i.receipt_email,
                   CASE WHEN s.webhook_id IS NULL OR i.repeated THEN CAST(? AS text) END
              FROM input i LEFT JOIN stored s ON s.marketplace_id = i.marketplace_id AND s.webhook_id = i.webhook_id
             ORDER BY i.n
            RETURNING id, status""";

    /** One event of a batch: its idempotency key, the event and its text as stored. */
    public record Entry(String webhookId, JsonNode event, String payload) {
    }

    /**
     * Commits several events of one delivery together (a store platform's webhook that becomes more
     * than one store event), plus {@code alsoInTransaction}; returns each one's outcome in order.
     */
    public List<Outcome> storeAll(String marketplaceId, List<Entry> entries, Sql.Work<Void> alsoInTransaction) {
        return Sql.inTransaction(dataSource, c -> {
            List<Outcome> outcomes = new ArrayList<>();
            for (Entry e : entries) {
                int inserted = Sql.update(c, """
                        INSERT INTO inbox_event (marketplace_id, webhook_id, event_type, ordering_key, payload)
                        VALUES (?, ?, ?, ?, CAST(? AS jsonb))
                        ON CONFLICT (marketplace_id, webhook_id) DO NOTHING""",
                        marketplaceId, e.webhookId(), e.event().path("type").asText(), orderingKey(e.event()), e.payload());
                outcomes.add(inserted == 1 ? Outcome.ACCEPTED : Outcome.DUPLICATE);
            }
            alsoInTransaction.run(c);
            return outcomes;
        });
    }

    /**
     * Events about one customer (and so about each of their orders and subscriptions) share a key
     * and are processed in the order they were accepted.
     */
    public static String orderingKey(JsonNode event) {
        return event.path("customer").path("email").asText().trim().toLowerCase(Locale.ROOT);
    }
}
