package io.hlbridge.engine.eventlog;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.api.StorableText;
import io.hlbridge.engine.ingest.Inbox;
import io.hlbridge.engine.ingest.WebhookIntake;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Turns a wire-tapped webhook exchange into the event log's insert (run by camel-jdbc off the
 * request's thread): rejected, with the reason the store was given. Only requests whose signature
 * checked out reach the log, so nobody can flood a marketplace's log. An event that was stored has its
 * receipt (accepted or duplicate) written with its inbox row ({@code Inbox.store}); an exchange that
 * carries an outcome is still turned into that receipt here, for a route that wire-taps one.
 */
public final class EventReceipts {
    /** The message of a duplicate's receipt. */
    public static final String DUPLICATE = "already received: nothing done again";

    static final String INSERT = """
            INSERT INTO event_log (id, marketplace_id, kind, status, event_id, event_type, email, message)
            VALUES (:?id, :?marketplaceId, 'event', :?status, :?eventId, :?eventType, :?email, :?message)""";

    public void toInsert(Exchange exchange) {
        String status;
        String message = null;
        Inbox.Outcome outcome = exchange.getProperty(WebhookIntake.OUTCOME, Inbox.Outcome.class);
        if (outcome != null) {
            status = outcome.name().toLowerCase(Locale.ROOT);
            message = outcome == Inbox.Outcome.DUPLICATE ? DUPLICATE : null;
        } else {
            status = "rejected";
            Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            message = caught instanceof ProblemException p ? p.getMessage() : "the engine could not store it";
        }
        JsonNode event = exchange.getProperty(WebhookIntake.EVENT, JsonNode.class);
        if (event == null) {
            event = bestEffort(exchange.getProperty(WebhookIntake.RAW_BODY, byte[].class));
        }
        Message m = exchange.getMessage();
        HttpReplies.clearHeaders(m);
        m.setHeader("id", EventLog.newId());
        m.setHeader("marketplaceId", exchange.getProperty(WebhookIntake.AUTHENTICATED_MARKETPLACE, String.class));
        m.setHeader("status", status);
        // a rejected event may carry what PostgreSQL cannot store (the reason it was rejected)
        m.setHeader("eventId", StorableText.clean(exchange.getProperty(WebhookIntake.WEBHOOK_ID, String.class)));
        m.setHeader("eventType", StorableText.clean(text(event, "type")));
        m.setHeader("email", event == null ? null : StorableText.clean(text(event.path("customer"), "email")));
        m.setHeader("message", StorableText.clean(message));
        m.setBody(INSERT);
    }

    private static JsonNode bestEffort(byte[] body) {
        if (body == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception unreadable) {
            return null;
        }
    }

    /** A text field of the event as the log keeps it (at most 300 characters), or null. */
    public static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.path(field);
        if (!v.isTextual()) {
            return null;
        }
        String s = v.asText();
        return s.length() > 300 ? s.substring(0, 300) : s;
    }
}
