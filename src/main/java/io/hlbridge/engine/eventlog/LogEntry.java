package io.hlbridge.engine.eventlog;

/**
 * One line of the event log (spec §7), as written. Built with the {@code event}, {@code trigger}
 * and {@code action} factories and the {@code with…} copies; fields that do not apply stay null.
 */
public record LogEntry(String id, String marketplaceId, String kind, String status, String eventId, String eventType,
                       String trigger, String ruleId, String action, String integrationId, String productId,
                       String email, String message, String replayOf) {

    public static LogEntry event(String id, String marketplaceId, String status, String eventId, String eventType,
                                 String email, String message) {
        return new LogEntry(id, marketplaceId, "event", status, eventId, eventType, null, null, null, null, null,
                email, message, null);
    }

    public static LogEntry trigger(String id, String marketplaceId, String status, String eventId, String eventType,
                                   String trigger, String productId, String email, String message) {
        return new LogEntry(id, marketplaceId, "trigger", status, eventId, eventType, trigger, null, null, null,
                productId, email, message, null);
    }

    public static LogEntry action(String id, String marketplaceId, String status, String eventId, String eventType,
                                  String trigger, String ruleId, String action, String integrationId, String productId,
                                  String email, String message, String replayOf) {
        return new LogEntry(id, marketplaceId, "action", status, eventId, eventType, trigger, ruleId, action,
                integrationId, productId, email, message, replayOf);
    }
}
