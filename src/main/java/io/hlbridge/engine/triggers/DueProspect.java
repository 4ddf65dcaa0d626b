package io.hlbridge.engine.triggers;

/** A prospect whose delay has passed: the prospect.created trigger, fired or suppressed. */
public record DueProspect(String marketplaceId, String sourceWebhookId, DerivedTrigger trigger) {
}
