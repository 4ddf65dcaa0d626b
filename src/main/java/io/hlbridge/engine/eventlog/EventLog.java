package io.hlbridge.engine.eventlog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.crypto.Tokens;
import org.jdbi.v3.core.Handle;

/**
 * Writes the event log inside the caller's transaction, so an entry and the state it describes
 * (a derived trigger, a queued action, an action's outcome) commit together or not at all.
 */
public final class EventLog {

    public static String newId() {
        return Tokens.id("log");
    }

    public void append(Handle h, LogEntry e) {
        h.createUpdate("""
                INSERT INTO event_log (id, marketplace_id, kind, status, event_id, event_type, trigger, rule_id, action,
                                       integration_id, product_id, email, message, replay_of)
                VALUES (:id, :marketplaceId, :kind, :status, :eventId, :eventType, :trigger, :ruleId, :action,
                        :integrationId, :productId, :email, :message, :replayOf)""")
                .bindMethods(e)
                .execute();
    }

    /** A new status (and reason) for an action's entry; the entry's id stays the same. */
    public void updateStatus(Handle h, String logId, String status, String message) {
        h.createUpdate("UPDATE event_log SET status = :status, message = :message, updated_at = now() WHERE id = :id")
                .bind("id", logId).bind("status", status).bind("message", message).execute();
    }

    /** An action's attempt ended: its new status and reason, and the HighLevel calls it made, in one update. */
    public void finishAttempt(Handle h, String logId, String status, String message, java.util.List<HighLevelCall> calls) {
        com.fasterxml.jackson.databind.node.ArrayNode array = Json.MAPPER.createArrayNode();
        for (HighLevelCall call : calls) {
            ObjectNode c = array.addObject();
            c.put("method", call.method());
            c.put("path", call.path());
            if (call.status() == null) {
                c.putNull("status");
            } else {
                c.put("status", call.status());
            }
            c.put("latency_ms", call.latencyMs());
            c.put("trace_id", call.traceId());
            c.put("error", call.error());
            c.put("at", call.at().toString());
        }
        h.createUpdate("""
                UPDATE event_log SET status = COALESCE(:status, status), message = CASE WHEN :status IS NULL THEN message ELSE :message END,
                                     calls = calls || CAST(:calls AS jsonb), updated_at = now()
                 WHERE id = :id""")
                .bind("id", logId).bind("status", status).bind("message", message).bind("calls", Json.write(array)).execute();
    }
}
