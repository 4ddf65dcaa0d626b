package io.hlbridge.engine.work;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.triggers.Customer;
import java.time.Instant;
import java.util.List;

/**
 * One action to perform in HighLevel, as claimed from the queue (or leased by the inbox batch that queued
 * it, which reads the same), with its integration's location. The claim also reads what the attempt will
 * need first, so it costs no statement of its own: the integration's sealed access token and its expiry,
 * and the contact id remembered for the customer (null when none). Its {@code params} have their
 * templates rendered already; {@code eventValues} are the store event's values (spec §5's placeholders,
 * and {@code item.price}) as they were when it was queued.
 */
public record ActionJob(long id, String logId, String marketplaceId, String integrationId, String ruleId,
                        String action, List<String> tags, String trigger, String eventId, String productId,
                        Customer customer, String source, int attempts, Instant firstAttemptAt, Instant pacedSlotAt,
                        String locationId, String integrationStatus, String sealedAccessToken, Instant tokenExpiresAt,
                        String rememberedContactId, ObjectNode params, ObjectNode eventValues) {
}
