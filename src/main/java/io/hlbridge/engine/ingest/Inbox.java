package io.hlbridge.engine.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.StorableText;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.eventlog.EventLog;
import io.hlbridge.engine.eventlog.EventReceipts;
import java.util.Locale;
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
     * in one statement, so both are committed together: one round trip and one commit per webhook
     * instead of two (the receipt used to follow through a wire-tap and camel-jdbc, which also asked
     * for the insert's parameter count first), and the receipt always comes before the event's
     * trigger and action entries in the log. Returns once both are committed.
     */
    public Outcome store(String marketplaceId, String webhookId, ObjectNode event, String rawBody) {
        String status = Sql.autoCommit(dataSource, c -> Sql.first(c, STORE_WITH_RECEIPT, rs -> rs.getString(1),
                marketplaceId, webhookId, event.path("type").asText(), orderingKey(event), rawBody,
                EventLog.newId(), marketplaceId, StorableText.clean(webhookId), StorableText.clean(EventReceipts.text(event, "type")),
                StorableText.clean(EventReceipts.text(event.path("customer"), "email")), EventReceipts.DUPLICATE)).orElseThrow();
        return status.equals("accepted") ? Outcome.ACCEPTED : Outcome.DUPLICATE;
    }

    /** The statement {@link #store} sends (public for bench/webhook-insert, which measures it alone). */
    public static final String STORE_WITH_RECEIPT = """
            WITH stored AS (
                INSERT INTO inbox_event (marketplace_id, webhook_id, event_type, ordering_key, payload)
                VALUES (?, ?, ?, ?, CAST(? AS jsonb))
                ON CONFLICT (marketplace_id, webhook_id) DO NOTHING
                RETURNING 1)
            INSERT INTO event_log (id, marketplace_id, kind, status, event_id, event_type, email, message)
            SELECT ?, ?, 'event', CASE WHEN s.n > 0 THEN 'accepted' ELSE 'duplicate' END, ?, ?, ?,
                   CASE WHEN s.n > 0 THEN NULL ELSE CAST(? AS text) END
              FROM (SELECT count(*) AS n FROM stored) s
            RETURNING status""";

    /** One event of a batch: its idempotency key, the event and its text as stored. */
    public record Entry(String webhookId, JsonNode event, String payload) {
    }

    /**
     * Commits several events of one delivery together (a store platform's webhook that becomes more
     * than one store event), plus {@code alsoInTransaction}; returns each one's outcome in order.
     */
    public java.util.List<Outcome> storeAll(String marketplaceId, java.util.List<Entry> entries,
                                            Sql.Work<Void> alsoInTransaction) {
        return Sql.inTransaction(dataSource, c -> {
            java.util.List<Outcome> outcomes = new java.util.ArrayList<>();
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
