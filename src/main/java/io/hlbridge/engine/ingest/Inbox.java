package io.hlbridge.engine.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.db.Sql;
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

    public Outcome store(String marketplaceId, String webhookId, ObjectNode event, String rawBody) {
        int inserted = Sql.autoCommit(dataSource, c -> Sql.update(c, """
                INSERT INTO inbox_event (marketplace_id, webhook_id, event_type, ordering_key, payload)
                VALUES (?, ?, ?, ?, CAST(? AS jsonb))
                ON CONFLICT (marketplace_id, webhook_id) DO NOTHING""",
                marketplaceId, webhookId, event.path("type").asText(), orderingKey(event), rawBody));
        return inserted == 1 ? Outcome.ACCEPTED : Outcome.DUPLICATE;
    }

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
