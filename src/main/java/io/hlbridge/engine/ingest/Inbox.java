package io.hlbridge.engine.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.StorableText;
import io.hlbridge.engine.db.GroupCommit;
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
    private final GroupCommit<Received, String> stores = new GroupCommit<>(MAX_GROUP, this::storeGroup);

    public Inbox(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Stores a webhook's event with its receipt (the event log's "event" entry, accepted or duplicate)
     * in the same statement, so both are committed together, and the receipt always comes before the
     * event's trigger and action entries in the log. Webhooks arriving together share that statement
     * and its commit (group commit): each caller returns only once its own event is committed, so a
     * {@code 202} still means stored. Returns once both are committed.
     */
    public Outcome store(String marketplaceId, String webhookId, ObjectNode event, String rawBody) {
        String status = stores.write(new Received(marketplaceId, webhookId, event.path("type").asText(), orderingKey(event),
                rawBody, EventLog.newId(), StorableText.clean(webhookId), StorableText.clean(EventReceipts.text(event, "type")),
                StorableText.clean(EventReceipts.text(event.path("customer"), "email"))));
        return status.equals("accepted") ? Outcome.ACCEPTED : Outcome.DUPLICATE;
    }

    /** One webhook's event as {@link #store} writes it, with its receipt's id and texts. */
    record Received(String marketplaceId, String webhookId, String type, String orderingKey, String payload,
                    String logId, String logEventId, String logType, String logEmail) {
    }

    /**
     * Up to {@value #MAX_GROUP} webhooks in one statement and one commit, inserted in the order they
     * were handed over (the inbox's sequence is the order events are processed in). A webhook-id sent
     * twice within one group is accepted once: the first is stored, the other is a duplicate.
     */
    private java.util.List<String> storeGroup(java.util.List<Received> group) {
        java.util.List<String> marketplaces = new java.util.ArrayList<>(group.size());
        java.util.List<String> ids = new java.util.ArrayList<>(group.size());
        java.util.List<String> types = new java.util.ArrayList<>(group.size());
        java.util.List<String> keys = new java.util.ArrayList<>(group.size());
        java.util.List<String> payloads = new java.util.ArrayList<>(group.size());
        java.util.List<String> logIds = new java.util.ArrayList<>(group.size());
        java.util.List<String> logEventIds = new java.util.ArrayList<>(group.size());
        java.util.List<String> logTypes = new java.util.ArrayList<>(group.size());
        java.util.List<String> logEmails = new java.util.ArrayList<>(group.size());
        for (Received r : group) {
            marketplaces.add(r.marketplaceId());
            ids.add(r.webhookId());
            types.add(r.type());
            keys.add(r.orderingKey());
            payloads.add(r.payload());
            logIds.add(r.logId());
            logEventIds.add(r.logEventId());
            logTypes.add(r.logType());
            logEmails.add(r.logEmail());
        }
        java.util.Map<String, String> statusByLogId = new java.util.HashMap<>();
        Sql.autoCommit(dataSource, c -> {
            Sql.list(c, STORE_GROUP_WITH_RECEIPTS, rs -> statusByLogId.put(rs.getString(1), rs.getString(2)),
                    Sql.texts(marketplaces), Sql.texts(ids), Sql.texts(types), Sql.texts(keys), Sql.texts(payloads),
                    Sql.texts(logIds), Sql.texts(logEventIds), Sql.texts(logTypes), Sql.texts(logEmails),
                    EventReceipts.DUPLICATE);
            return null;
        });
        return group.stream().map(r -> java.util.Objects.requireNonNull(statusByLogId.get(r.logId()),
                "no receipt written for a stored webhook")).toList();
    }

    static final int MAX_GROUP = 64;

    private static final String STORE_GROUP_WITH_RECEIPTS = """
            WITH input AS (
                SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                     CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                     CAST(? AS text[]))
                    WITH ORDINALITY AS x(marketplace_id, webhook_id, event_type, ordering_key, payload,
                                         log_id, log_event_id, log_type, log_email, n)),
            stored AS (
                INSERT INTO inbox_event (marketplace_id, webhook_id, event_type, ordering_key, payload)
                SELECT marketplace_id, webhook_id, event_type, ordering_key, CAST(payload AS jsonb)
                  FROM input ORDER BY n
                ON CONFLICT (marketplace_id, webhook_id) DO NOTHING
                RETURNING marketplace_id, webhook_id),
            outcome AS (
                SELECT i.*, (EXISTS (SELECT 1 FROM stored s
                                      WHERE s.marketplace_id = i.marketplace_id AND s.webhook_id = i.webhook_id)
                             AND i.n = min(i.n) OVER (PARTITION BY i.marketplace_id, i.webhook_id)) AS accepted
                  FROM input i)
            INSERT INTO event_log (id, marketplace_id, kind, status, event_id, event_type, email, message)
            SELECT log_id, marketplace_id, 'event', CASE WHEN accepted THEN 'accepted' ELSE 'duplicate' END,
                   log_event_id, log_type, log_email, CASE WHEN accepted THEN NULL ELSE CAST(? AS text) END
              FROM outcome ORDER BY n
            RETURNING id, status""";

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
