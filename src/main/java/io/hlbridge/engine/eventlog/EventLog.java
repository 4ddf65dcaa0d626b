package io.hlbridge.engine.eventlog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.crypto.Tokens;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Writes the event log inside the caller's transaction, so an entry and the state it describes
 * (a derived trigger, a queued action, an action's outcome) commit together or not at all.
 */
public final class EventLog {

    /** A log entry's id: {@code log_} and 20 base-36 characters, in the order entries are made (Tokens#timeOrderedId). */
    public static String newId() {
        return Tokens.timeOrderedId("log");
    }

    /** A new status (and reason) for an action's entry; the entry's id stays the same. */
    public void updateStatus(Handle h, String logId, String status, String message) {
        h.createUpdate("UPDATE event_log SET status = :status, message = :message, updated_at = now() WHERE id = :id")
                .bind("id", logId).bind("status", status).bind("message", message).execute();
    }

    /** An action's entry names its (newest) replay. */
    public void markReplayed(Handle h, String logId, String replayLogId) {
        h.createUpdate("UPDATE event_log SET replayed_by = :replay WHERE id = :id").bind("id", logId).bind("replay", replayLogId).execute();
    }

    /** The calls of an attempt as the log stores them (their bodies already masked and cut, never a header). */
    public static String callsJson(List<HighLevelCall> calls) {
        ArrayNode array = Json.MAPPER.createArrayNode();
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
            c.put("request_body", call.requestBody());
            c.put("response_body", call.responseBody());
        }
        return Json.write(array);
    }
}
