package io.hlbridge.engine.triggers;

/**
 * One trigger derived from a store event: fired (its rules run) or suppressed (logged with the
 * reason, no rules run).
 *
 * @param trigger     an id of {@link TriggerCatalog}
 * @param productId   the rule's product: the item's product_id, subscription.product_id or course.id
 * @param productName its name, when the event gave one
 * @param message     why, in words
 * @param facts       the rest of what the event said, for the actions' templates
 */
public record DerivedTrigger(String trigger, String productId, String productName, Customer customer,
                             boolean fired, String message, EventFacts facts) {

    public DerivedTrigger(String trigger, String productId, String productName, Customer customer, boolean fired,
                          String message) {
        this(trigger, productId, productName, customer, fired, message, EventFacts.NONE);
    }

    public DerivedTrigger {
        facts = facts == null ? EventFacts.NONE : facts;
    }
}
